"""What a procès-verbal says, read from the decisions in a fixed number of statements.

The PV never reads the deliberation's screen: it reads the recorded decisions (current
ones; for an amendment, those recorded in answer to its appeal), so that what is drawn
and signed is what was decided.
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accommodations.models import Accommodation
from ..candidates.labels import ACCESS_ROUTE
from ..candidates.models import Enrolment
from ..composition import facts as composition_facts
from ..composition import reports as composition
from ..core.columns import utcnow
from ..core.labels import label
from ..decisions.models import (
    BlockDecision,
    Deliberation,
    LevelDecision,
    Minutes,
    MinutesSignature,
)
from ..extensions import db
from ..juries.models import MemberRole
from ..results import queries as results
from ..results.models import TitleOutcome
from .document import (
    BlocLine,
    CandidateLine,
    JuryMemberLine,
    MinutesData,
    RetainedLevel,
    SignatureLine,
)


def session_jury(session):
    """The session's jury (the jury de délibération), members loaded, or None."""
    for jury in composition.session_juries(session.id):
        if jury.exam_id is None:
            return jury
    return None


def jury_lines(session) -> tuple[JuryMemberLine, ...]:
    """The jury, president first: capacity, external status (to the certifier and to the
    session's centre, as the composition rules read it), professional status."""
    jury = session_jury(session)
    if jury is None:
        return ()
    ordered = sorted(jury.members, key=lambda m: (m.role != MemberRole.PRESIDENT, m.id))
    members = composition_facts.members([m.user for m in ordered])
    return tuple(JuryMemberLine(
        m.user.full_name, str(m.role),
        ", ".join(p for p in (m.user.profession, m.user.organisation) if p) or None,
        member.external_to([session.centre_id]), member.is_professional)
        for m, member in zip(ordered, members, strict=True))


def minutes_data(session, *, number: int = 0, appeal=None, amends: str | None = None,
                 with_candidates: bool = True) -> MinutesData:
    """The PV (``number`` 0) of every candidate, or amendment ``number`` for the candidate
    of ``appeal`` with its new decisions. ``with_candidates=False``: the heading only (the
    jury, dates, forced rules), for the signature page, which lists no candidate."""
    deliberation = db.session.scalar(select(Deliberation).where(
        Deliberation.session_id == session.id))
    candidates = _candidate_lines(session, appeal) if with_candidates else ()
    certification = results.certification()
    forced = composition.forced(session.id)
    return MinutesData(
        certification_title=session.referential_version.data.get("title", ""),
        rncp_code=certification.rncp_code if certification else None,
        certifier_name=certification.certifier_name if certification else None,
        session_name=session.name, centre_name=session.centre.name,
        deliberation_date=deliberation.held_on if deliberation else utcnow().date(),
        place=deliberation.place if deliberation else None,
        jury=jury_lines(session), candidates=candidates,
        forced=(_("%(jury)s : règles levées par %(who)s le %(when)s. Raison : %(reason)s",
                  jury=forced.name, who=forced.forced_by.full_name if forced.forced_by
                  else "—", when=forced.forced_at.strftime("%d/%m/%Y"),
                  reason=forced.forced_reason),) if forced is not None else (),
        number=number, amends=amends, generated_at=utcnow())


def _candidate_lines(session, appeal) -> tuple[CandidateLine, ...]:
    """Each candidate's decisions per bloc, retained levels and title (fixed statements)."""
    scale = results.scale_of(session.referential_version.data)
    level_label = {lv.code: lv.label for lv in scale.levels}
    enrolments = results.session_enrolments(session.id)
    if appeal is not None:
        enrolments = [e for e in enrolments if e.id == appeal.enrolment_id]
    decisions = _decisions(BlockDecision, session.id, appeal)
    levels = _decisions(LevelDecision, session.id, appeal)
    by_level: dict[tuple[int, int], list[LevelDecision]] = defaultdict(list)
    for row in levels.values():
        by_level[(row.enrolment_id, row.block_id)].append(row)
    readings = _readings(session.id)
    absent = results.absences(session.id)
    _by_block, titles = results.session_results(session.id)
    accommodations = {a.enrolment_id: a for a in db.session.scalars(
        select(Accommodation).join(Enrolment, Enrolment.id == Accommodation.enrolment_id)
        .where(Enrolment.session_id == session.id)
        .options(selectinload(Accommodation.measures)))}
    earlier = results.earlier_blocs(session)
    candidates = []
    for enrolment in enrolments:
        lines = []
        for block in sorted(enrolment.blocks, key=lambda b: b.number):
            decision = decisions.get((enrolment.id, block.id))
            if (enrolment.id, block.id) in absent:
                lines.append(BlocLine(block.number, block.title, "absent", "not_validated",
                                      None))
                continue
            retained = tuple(RetainedLevel(
                row.criterion_code,
                tuple(level_label.get(lv, lv or "—")
                      for lv in readings.get((enrolment.id, block.id, row.criterion_code), [])),
                level_label.get(row.level, row.level), row.reason)
                for row in sorted(by_level[(enrolment.id, block.id)],
                                  key=lambda r: r.criterion_code))
            lines.append(BlocLine(block.number, block.title,
                                  str(decision.outcome) if decision else "not_validated",
                                  decision.proposed if decision else "pending",
                                  decision.reason if decision else None, retained))
        title = titles.get(enrolment.id)
        candidates.append(CandidateLine(
            enrolment.candidate.user.full_name,
            enrolment.anonymous_number or str(enrolment.id),
            label(ACCESS_ROUTE, enrolment.candidate.access_route),
            tuple(lines),
            tuple(sorted(earlier.get(enrolment.candidate.user_id, ()))),
            "awarded" if title is not None and title.outcome == TitleOutcome.AWARDED
            else "not_awarded",
            _accommodation_label(accommodations.get(enrolment.id))))
    return tuple(candidates)


def _decisions(model, session_id: int, appeal) -> dict:
    """The current decisions of the session (PV), or those recorded for ``appeal``."""
    query = select(model).join(Enrolment, Enrolment.id == model.enrolment_id).where(
        Enrolment.session_id == session_id, model.superseded_at.is_(None))
    if appeal is not None:
        query = query.where(model.appeal_id == appeal.id)
    rows = db.session.scalars(query)
    if model is LevelDecision:
        return {(r.enrolment_id, r.block_id, r.criterion_code): r for r in rows}
    return {(r.enrolment_id, r.block_id): r for r in rows}


def _readings(session_id: int) -> dict[tuple[int, int, str], list[str | None]]:
    return {key: [r.level for r in rows]
            for key, rows in results.readings(session_id).items()}


def _accommodation_label(row: Accommodation | None) -> str | None:
    if row is None or str(row.status) != "granted":
        return None
    parts = []
    if row.extra_time_percent:
        parts.append(_("temps majoré de %(n)d %%", n=row.extra_time_percent))
    if row.human_aid:
        parts.append(_("aide humaine"))
    if row.technical_aid:
        parts.append(_("aide technique"))
    if row.spread_over_sessions:
        parts.append(_("épreuves étalées sur plusieurs sessions"))
    return ", ".join(parts) or _("aménagement accordé")


def signature_lines(minutes: Minutes) -> tuple[SignatureLine, ...]:
    rows = db.session.scalars(select(MinutesSignature).where(
        MinutesSignature.minutes_id == minutes.id).order_by(MinutesSignature.id)
        .options(selectinload(MinutesSignature.user)))
    return tuple(SignatureLine(r.user.full_name, r.role, r.signed_at, r.content_sha256)
                 for r in rows)


def session_minutes(session_id: int) -> list[Minutes]:
    """The PV and its amendments, in order, with their signatures."""
    return list(db.session.scalars(
        select(Minutes).where(Minutes.session_id == session_id).order_by(Minutes.number)
        .options(selectinload(Minutes.signatures).selectinload(MinutesSignature.user))))
