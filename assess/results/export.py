"""The results of a session as a table to download (CSV or XLSX): one row per candidate.

Columns: the candidate's identity, then for each bloc of the référentiel its outcome
followed by the level of each of its criteria (``BlockResult.criterion_levels``: the
consolidated level, or the jury's where it decided one), then the number of blocs
validated, the title and the day the candidate's results were published.

It is an internal document of the session's admins (the certifier's and the session's
centre's, as the results page): before publication it carries results the candidates do
not see yet, so the « Publiés le » column is empty on those rows and the file name says
« provisoires ». A bloc the candidate did not sit is « absent(e) », by the rule of the
relevé de résultats (``queries.absences``).

Rows are read by one statement, streamed (``yield_per``), never all in memory; the
référentiel's blocs and scale, and the absences, take three more, whatever the number of
candidates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import and_, select

from ..accounts.models import User
from ..candidates.labels import ACCESS_ROUTE
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..extensions import db
from . import queries as q
from .models import BlockResult, TitleResult

BATCH = 1000  # rows fetched at a time from the cursor


@dataclass(frozen=True)
class ExportBloc:
    id: int
    number: int
    codes: tuple[str, ...]


def rows_statement(session_id: int):
    """One row per (enrolment, enrolled bloc) with its result, in the file's order (by
    name, each enrolment's rows together). Also the benchmark's baseline reads it."""
    return (
        select(Enrolment.id, User.last_name, User.first_name, User.email,
               Candidate.birth_date, Candidate.access_route, Enrolment.full_title,
               enrolment_blocks.c.block_id, BlockResult.outcome, BlockResult.criterion_levels,
               TitleResult.outcome, TitleResult.published_at)
        .select_from(Enrolment)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .join(User, User.id == Candidate.user_id)
        .outerjoin(enrolment_blocks, enrolment_blocks.c.enrolment_id == Enrolment.id)
        .outerjoin(BlockResult, and_(BlockResult.enrolment_id == Enrolment.id,
                                     BlockResult.block_id == enrolment_blocks.c.block_id))
        .outerjoin(TitleResult, TitleResult.enrolment_id == Enrolment.id)
        .where(Enrolment.session_id == session_id)
        .order_by(User.last_name, User.first_name, Enrolment.id)
    )


def blocs_of(session) -> list[ExportBloc]:
    return [ExportBloc(info.id, info.number, info.codes)
            for info in q.blocks_of_version(session.referential_version_id).values()]


def header(blocs: list[ExportBloc]) -> list[str]:
    columns = [_("N° d'inscription"), _("Nom"), _("Prénom"), _("E-mail"),
               _("Date de naissance"), _("Voie d'accès"), _("Parcours")]
    for bloc in blocs:
        columns.append(_("Bloc %(n)d", n=bloc.number))
        columns.extend(bloc.codes)
    columns += [_("Blocs validés"), _("Titre"), _("Publiés le")]
    return columns


def provisional(session) -> bool:
    """Before the session's publication the file holds results not released yet."""
    return session.results_published_at is None


def file_name(session, fmt: str) -> str:
    suffix = "-provisoires" if provisional(session) else ""
    return f"resultats-session-{session.id}{suffix}.{fmt}"


def results_table(session) -> tuple[list[str], Iterator[list]]:
    """(header, rows): the rows are produced as they are read (a generator)."""
    blocs = blocs_of(session)
    levels = {lv.code: lv.label for lv in q.scale_of(session.referential_version.data).levels}
    absent = q.absences(session.id)
    bloc_labels = {"validated": _("validé"), "not_validated": _("non validé"),
                   "pending": _("en attente"), "absent": _("absent(e)"),
                   None: _("non calculé")}
    title_labels = {"awarded": _("titre obtenu"), "not_awarded": _("non obtenu"),
                    "pending": _("en attente"), None: _("non calculé")}
    words = {"full": _("titre complet"), "partial": _("blocs"),
             "not_enrolled": _("non inscrit")}
    # Labels translated once, not per row (a lazy string is translated each time it is
    # read); the publication time converted once per distinct value.
    routes = {str(route): str(text) for route, text in ACCESS_ROUTE.items()}
    moments: dict = {}

    def rows() -> Iterator[list]:
        result = db.session.execute(
            rows_statement(session.id).execution_options(yield_per=BATCH))
        for enrolment_id, lines in groupby(result, key=lambda r: r[0]):
            lines = list(lines)
            first = lines[0]
            by_bloc = {r[7]: r for r in lines if r[7] is not None}
            row = [enrolment_id, first[1], first[2], first[3], first[4],
                   routes.get(str(first[5]), first[5]), words["full" if first[6] else "partial"]]
            validated = 0
            for bloc in blocs:
                line = by_bloc.get(bloc.id)
                if line is None:
                    row.append(words["not_enrolled"])
                    row.extend([None] * len(bloc.codes))
                    continue
                outcome = "absent" if (enrolment_id, bloc.id) in absent else (
                    None if line[8] is None else str(line[8]))
                validated += outcome == "validated"
                row.append(bloc_labels.get(outcome, outcome))
                criterion_levels = (line[9] or {}) if outcome != "absent" else {}
                row.extend(levels.get(criterion_levels.get(code), criterion_levels.get(code))
                           for code in bloc.codes)
            title = None if first[10] is None else str(first[10])
            published = first[11]
            if published not in moments:
                moments[published] = _local(published)
            row += [validated, title_labels.get(title, title), moments[published]]
            yield row
        result.close()

    return header(blocs), rows()


def _local(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) time in the platform's time zone, to the minute, naive (what a
    spreadsheet cell holds)."""
    if moment is None:
        return None
    return to_user_timezone(moment).replace(tzinfo=None, second=0, microsecond=0)
