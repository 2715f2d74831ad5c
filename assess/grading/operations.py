"""Grading state changes: save a draft grille, submit it (locked), reopen it (an admin).
Flush, never commit.

``values`` maps a criterion id to a dict with any of ``level`` (a code of the
référentiel's scale, or None), ``observation``, ``evidence`` and ``oral_evidence``; a key
left out keeps what is stored. ``sheet_fields`` may hold ``overall_comment`` and (bloc 3)
``candidate_absent``. Every changed line is audited ("grade.changed"), and every change of
the sheet's own fields ("sheet.changed"), with old and new values.

The number of SQL statements of a save does not depend on the number of criteria: the
marks are inserted, updated and audited in batches (the flush groups them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from rubrics.loader import load
from workflows.base import N_, Refused, TransitionRefused
from workflows.grading import DRAFT, GRADING_SHEET, SUBMITTED, GradingContext
from workflows.session import DELIBERATION, GRADING, STATE_REFUSALS, SessionStatus

from ..attendance.models import Attendance, ExamAttendance
from ..audit.models import AuditEvent
from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..juries.facts import has_conflict
from ..notifications.operations import notify
from ..referential.labels import level_label
from ..sessions.models import PartKind
from ..unit_of_work import Conflict
from .models import CriterionMark, GradingSheet, SheetStatus
from .permissions import can_grade, can_reopen, is_withdrawn

MAX_OBSERVATION = 5000
MAX_EVIDENCE = 2000
MAX_COMMENT = 5000
FIELDS = ("level", "observation", "evidence", "oral_evidence")
SHEET_FIELDS = ("overall_comment", "candidate_absent")
# A reopened sheet goes back to its juror while the jury has not decided for good.
REOPEN_STATES = frozenset({GRADING, DELIBERATION})
# Same rule as the app's forms (assess.core.forms): PostgreSQL stores no NUL, and no text
# here has a use for other control characters; tab and line breaks are kept. Refused with
# a message (never stripped silently), so that the juror sees what was wrong.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

WITHDRAWN = N_("Vous avez été retiré(e) de cette évaluation (lien déclaré avec le candidat)")


class GradingError(Refused):
    """Values that cannot be stored (unknown level, text too long); the message is for the user."""


class StaleSheet(Conflict):
    """The sheet changed since the form was loaded (another tab, another request)."""

    @property
    def sheet(self) -> GradingSheet | None:
        return self.current


class SheetIncomplete(TransitionRefused):
    """Submit refused because some criteria have no level (``missing``, their codes) or no
    observation for a level below the top one (``missing_observations``)."""

    def __init__(self, reason, missing: list[str], missing_observations: list[str] = (),
                 **kwargs):
        super().__init__(reason, **kwargs)
        self.missing = list(missing)
        self.missing_observations = list(missing_observations)


class SheetWithdrawn(TransitionRefused):
    """The juror was taken off this work: the sheet is kept, read-only."""


class ReopenRefused(Refused):
    """An admin's reopening refused; the message says why."""


def scale_levels(version) -> list[dict]:
    """The levels of a référentiel version's scale ({code, label}), lowest first; a
    version stored without one falls back on the packaged référentiel's scale."""
    data = getattr(version, "data", None) or {}
    levels = (data.get("scale") or {}).get("levels") or _packaged_levels()
    # Labels are read in the reader's language when they are the default scale's.
    return [{"code": str(lv["code"]),
             "label": str(level_label(str(lv["code"]), str(lv.get("label") or lv["code"])))}
            for lv in levels]


def top_level(levels: list[dict]) -> dict:
    """The highest level of the scale (« acquis »): the one needing no observation."""
    return levels[-1]


@cache
def _packaged_levels() -> tuple[dict, ...]:
    return tuple({"code": lv.code, "label": lv.label} for lv in load().scale.levels)


def clean_text(value) -> str:
    """A text as stored: browsers post CRLF, so that an unchanged text is not a change."""
    return (value or "").replace("\r\n", "\n").strip()


def criteria_of(assignment) -> list:
    return list(assignment.exam.block.criteria)


def has_oral(exam) -> bool:
    """Bloc 3: a dossier defended at an oral (evidence from both, absence at the oral)."""
    return any(p.kind == PartKind.ORAL for p in exam.parts)


def stored_values(sheet: GradingSheet | None) -> dict[int, dict]:
    """What the sheet holds, per criterion id (empty lines when there is no sheet yet)."""
    if sheet is None:
        return {}
    return {m.criterion_id: _mark_values(m) for m in sheet.marks}


def sheet_values(sheet: GradingSheet | None) -> dict:
    """The sheet's own fields as stored (defaults when there is no sheet yet)."""
    if sheet is None:
        return {"overall_comment": "", "candidate_absent": False}
    return {"overall_comment": sheet.overall_comment or "",
            "candidate_absent": bool(sheet.candidate_absent)}


def sheet_version(sheet: GradingSheet | None) -> int:
    """0 stands for "no sheet yet": the first save creates it."""
    return sheet.version if sheet is not None else 0


def save_sheet(actor, assignment, values: Mapping[int, Mapping[str, Any]],
               expected_version: int, **sheet_fields) -> GradingSheet:
    """Store the typed values as a draft. Raises GradingError, StaleSheet, TransitionRefused."""
    return _change(actor, assignment, values, expected_version, "save", sheet_fields)


def review_sheet(actor, assignment, values: Mapping[int, Mapping[str, Any]],
                 expected_version: int, **sheet_fields) -> GradingSheet:
    """The first step of a submission: store the values as a draft, once they pass every
    check of a submission (SheetIncomplete otherwise); the juror then confirms."""
    return _change(actor, assignment, values, expected_version, "submit", sheet_fields)


def submit_sheet(actor, assignment, values: Mapping[int, Mapping[str, Any]],
                 expected_version: int, **sheet_fields) -> GradingSheet:
    """Store the values and lock the sheet; every criterion needs a level (SheetIncomplete),
    unless the candidate was absent from the oral, which is then recorded as an absence."""
    sheet = _change(actor, assignment, values, expected_version, "submit", sheet_fields)
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = utcnow()
    db.session.flush()
    record(actor, "sheet.submitted", sheet, session_id=assignment.exam.session_id,
           old={"status": SheetStatus.DRAFT},
           new={"status": SheetStatus.SUBMITTED,
                "submitted_at": sheet.submitted_at.isoformat(),
                "candidate_absent": bool(sheet.candidate_absent)})
    if sheet.candidate_absent:
        _record_absence(actor, assignment)
    else:
        _clear_own_absence(actor, assignment)
    return sheet


def reopen_sheet(actor, sheet: GradingSheet, reason: str) -> GradingSheet:
    """Give a submitted sheet back to its juror (an admin of the session, with a written
    reason, while the session is in grading or deliberation); the juror is told by e-mail."""
    assignment = sheet.assignment
    session = assignment.exam.session
    if not can_reopen(actor, session):
        raise ReopenRefused(_("Seul un administrateur de la session peut rouvrir une grille."))
    if session.status not in REOPEN_STATES:
        raise ReopenRefused(_(STATE_REFUSALS[SessionStatus(session.status)]) + " " + _(
            "Une grille ne peut être rouverte que pendant la correction ou la délibération."))
    reason = clean_text(reason)
    if not reason:
        raise ReopenRefused(_("Indiquez pourquoi la grille est rouverte : l'évaluateur "
                              "recevra ce motif."))
    if sheet.status != SUBMITTED:
        raise ReopenRefused(_("Cette grille n'est pas soumise : elle est déjà modifiable par "
                              "son évaluateur."))
    old = {"status": str(sheet.status), "submitted_at": sheet.submitted_at.isoformat()}
    sheet.status, sheet.submitted_at = SheetStatus.DRAFT, None
    db.session.flush()
    record(actor, "sheet.reopened", sheet, session_id=session.id, old=old,
           new={"status": str(SheetStatus.DRAFT), "submitted_at": None}, reason=reason)
    _tell_juror_reopened(assignment, sheet, reason)
    return sheet


def _tell_juror_reopened(assignment, sheet: GradingSheet, reason: str) -> None:
    juror = assignment.juror
    exam = assignment.exam
    with force_locale(juror.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Votre grille du bloc %(n)s a été rouverte", n=exam.block.number)
        body = _("Bonjour %(name)s,\n\nL'administrateur de la session « %(session)s » a "
                 "rouvert votre grille d'évaluation du bloc %(n)s pour que vous puissiez la "
                 "corriger, pour le motif suivant :\n\n%(reason)s\n\nConnectez-vous à la "
                 "plateforme (« Mes évaluations ») pour la modifier puis la soumettre de "
                 "nouveau.\n", name=juror.full_name, session=exam.session.name,
                 n=exam.block.number, reason=reason)
    # One message per reopening: the version changes with each one.
    notify("sheet_reopened", juror, f"sheet:{sheet.id}:v{sheet.version}", subject, body,
           link=f"/jury/evaluations/{assignment.id}")


def _change(actor, assignment, values, expected_version, action: str,
            sheet_fields: Mapping[str, Any]) -> GradingSheet:
    if is_withdrawn(assignment):
        raise SheetWithdrawn(_(WITHDRAWN))
    if not can_grade(actor, assignment) or has_conflict(actor.id, assignment.enrolment_id):
        raise GradingError(_("Seul le membre du jury désigné peut évaluer cette épreuve."))
    criteria = criteria_of(assignment)
    levels = scale_levels(assignment.exam.block.version)
    clean = _normalise(values, {c.id for c in criteria}, {lv["code"] for lv in levels})
    own = _normalise_sheet(sheet_fields, has_oral(assignment.exam))
    sheet = assignment.sheet
    state = sheet_state(sheet)
    # A locked sheet answers with its state (below), not with a version conflict.
    if state == DRAFT and sheet_version(sheet) != expected_version:
        raise StaleSheet(sheet)
    stored = stored_values(sheet)
    merged = {c.id: {**_empty(), **stored.get(c.id, {}), **clean.get(c.id, {})}
              for c in criteria}
    absent = {**sheet_values(sheet), **own}["candidate_absent"]
    _check(action, state, assignment, criteria, merged, absent, top_level(levels))
    return _write(actor, assignment, criteria, clean, own)


def sheet_state(sheet: GradingSheet | None) -> str:
    return sheet.status if sheet is not None else DRAFT


def grading_context(assignment, missing_levels: tuple[str, ...] = ()) -> GradingContext:
    return GradingContext(
        missing_levels=missing_levels,
        session_status=assignment.exam.session.status)


def _check(action: str, state: str, assignment, criteria, merged: dict, absent: bool,
           top: dict) -> None:
    # State and session first, so that "incomplete" is only said of a sheet one may change.
    GRADING_SHEET.check(action, state, grading_context(assignment))
    if action != "submit" or absent:  # a draft may be incomplete; an absent has no levels
        return
    missing = tuple(c.code for c in criteria if not merged[c.id]["level"])
    unjustified = [c.code for c in criteria
                   if merged[c.id]["level"] not in (None, top["code"])
                   and not merged[c.id]["observation"]]
    reasons = []
    try:
        GRADING_SHEET.check(action, state, grading_context(assignment, missing))
    except TransitionRefused as exc:
        reasons.append(exc.reason)
    if unjustified:
        reasons.append(_("Justifiez par une observation chaque niveau autre que « %(top)s » "
                         "(manquant : %(missing)s).", top=top["label"],
                         missing=", ".join(unjustified)))
    if reasons:
        raise SheetIncomplete(" ".join(reasons), list(missing), unjustified,
                              lifecycle=GRADING_SHEET.name, action=action, state=state)


def _normalise(values, criterion_ids: set[int], codes: set[str]) -> dict[int, dict]:
    clean: dict[int, dict] = {}
    for criterion_id, given in values.items():
        if criterion_id not in criterion_ids:
            raise GradingError(_("Ce critère n'appartient pas au bloc de cette épreuve."))
        line: dict[str, Any] = {}
        if "level" in given:
            level = given["level"] or None
            if level is not None and level not in codes:
                raise GradingError(_("Niveau « %(level)s » inconnu : choisissez un niveau "
                                     "de l'échelle du référentiel.", level=level))
            line["level"] = level
        if "observation" in given:
            line["observation"] = _text(given["observation"], MAX_OBSERVATION)
        for name in ("evidence", "oral_evidence"):
            if name in given:
                line[name] = _text(given[name], MAX_EVIDENCE) or None
        clean[criterion_id] = line
    return clean


def _normalise_sheet(fields: Mapping[str, Any], oral: bool) -> dict:
    unknown = set(fields) - set(SHEET_FIELDS)
    if unknown:
        raise GradingError(_("Champ inconnu : %(names)s.", names=", ".join(sorted(unknown))))
    clean: dict[str, Any] = {}
    if fields.get("overall_comment") is not None:
        clean["overall_comment"] = _text(fields["overall_comment"], MAX_COMMENT)
    if fields.get("candidate_absent") is not None:
        # Only an oral has an absent candidate (the written work is simply missing).
        clean["candidate_absent"] = bool(fields["candidate_absent"]) and oral
    return clean


def _text(value, limit: int) -> str:
    text = clean_text(value)
    if _CONTROL.search(text):
        raise GradingError(_("Ce texte contient un caractère invisible non autorisé "
                             "(caractère de contrôle) : retapez-le ou collez-le de "
                             "nouveau sans mise en forme."))
    if len(text) > limit:
        raise GradingError(_("Texte trop long (%(count)d caractères, %(limit)d au plus) : "
                             "raccourcissez-le.", count=len(text), limit=limit))
    return text


def _write(actor, assignment, criteria, clean: dict[int, dict], own: dict) -> GradingSheet:
    """Store the changes, in a number of statements that does not depend on the number of
    criteria: the marks are inserted in one statement, updated in one (executemany), and
    audited in one; the sheet's row is updated once (which checks and bumps its version)."""
    session_id = assignment.exam.session_id
    sheet = assignment.sheet
    created = sheet is None
    if created:
        sheet = GradingSheet(assignment=assignment, status=SheetStatus.DRAFT,
                             overall_comment="", candidate_absent=False)
        db.session.add(sheet)
        db.session.flush()
    marks = {} if created else {m.criterion_id: m for m in sheet.marks}
    inserts, updates, changes = [], [], []
    for criterion in criteria:
        mark = marks.get(criterion.id)
        old = _mark_values(mark) if mark is not None else _empty()
        new = {**old, **clean.get(criterion.id, {})}
        if mark is None:
            inserts.append({"sheet_id": sheet.id, "criterion_id": criterion.id, **new})
        elif new != old:
            updates.append({"id": mark.id, **new})
        if new != old:
            changes.append((criterion.id, old, new))
    if inserts:
        db.session.execute(insert(CriterionMark.__table__), inserts)  # Core: one executemany
        db.session.expire(sheet, ["marks"])  # read again (one query) with the new rows
    if updates:
        db.session.execute(update(CriterionMark), updates)
        by_id = {m.id: m for m in marks.values()}
        for values in updates:
            for name in FIELDS:  # what the database now holds, without a second write
                set_committed_value(by_id[values["id"]], name, values[name])
    old_own = sheet_values(sheet)
    new_own = {**old_own, **own}
    if new_own != old_own:
        sheet.overall_comment = new_own["overall_comment"]
        sheet.candidate_absent = new_own["candidate_absent"]
    elif changes and not created:
        sheet.updated_at = utcnow()  # an UPDATE of the sheet row bumps its version
    db.session.flush()
    marks = {m.criterion_id: m for m in sheet.marks} if changes else {}
    events = [record(actor, "grade.changed", marks[criterion_id], old=old, new=new,
                     session_id=session_id)
              for criterion_id, old, new in changes]
    if new_own != old_own:
        events.append(record(actor, "sheet.changed", sheet, old=old_own, new=new_own,
                             session_id=session_id))
    _write_together(events)
    return sheet


def _write_together(events: list[AuditEvent]) -> None:
    """The audit rows of one save in one INSERT: built by ``record`` (the trail's one
    shape), then written together rather than one statement each."""
    if not events:
        return
    at = utcnow()
    for event in events:
        db.session.expunge(event)
    db.session.execute(insert(AuditEvent.__table__), [
        {"at": at, "actor_id": e.actor_id, "action": e.action, "object_type": e.object_type,
         "object_id": e.object_id, "session_id": e.session_id, "old": e.old, "new": e.new,
         "reason": e.reason} for e in events])


def _record_absence(actor, assignment) -> None:
    """The candidate did not come to the oral: an absence from the épreuve, which the
    results count. Written as assess.attendance records it (same row, same audit), by the
    panel's juror: an absence or withdrawal an admin recorded already is left as it is."""
    enrolment, exam = assignment.enrolment, assignment.exam
    if db.session.scalar(select(ExamAttendance.id).where(
            ExamAttendance.enrolment_id == enrolment.id, ExamAttendance.exam_id == exam.id)):
        return
    today = utcnow().date()
    oral = next((p for p in exam.parts if p.kind == PartKind.ORAL and p.starts_at), None)
    on_date = min(oral.starts_at.date(), today) if oral is not None else today
    note = _("Absent(e) à la soutenance orale, d'après la grille d'évaluation.")
    db.session.add(ExamAttendance(enrolment_id=enrolment.id, exam_id=exam.id,
                                  status=Attendance.ABSENT, on_date=on_date, note=note,
                                  recorded_by_id=actor.id, recorded_at=utcnow()))
    db.session.flush()
    record(actor, "attendance.recorded", enrolment, session_id=enrolment.session_id,
           new={"exam_id": exam.id, "status": str(Attendance.ABSENT),
                "on_date": on_date.isoformat(), "note": note})


def _clear_own_absence(actor, assignment) -> None:
    """A sheet reopened and submitted again without « absent »: the absence this juror's
    sheet recorded goes (one an admin recorded stays: it is theirs to change)."""
    row = db.session.scalar(select(ExamAttendance).where(
        ExamAttendance.enrolment_id == assignment.enrolment_id,
        ExamAttendance.exam_id == assignment.exam_id,
        ExamAttendance.status == Attendance.ABSENT,
        ExamAttendance.recorded_by_id == actor.id))
    if row is None:
        return
    record(actor, "attendance.cleared", assignment.enrolment,
           session_id=assignment.enrolment.session_id,
           old={"exam_id": row.exam_id, "status": str(row.status),
                "on_date": row.on_date.isoformat()})
    db.session.delete(row)
    db.session.flush()


def _empty() -> dict:
    return {"level": None, "observation": "", "evidence": None, "oral_evidence": None}


def _mark_values(mark: CriterionMark) -> dict:
    return {"level": mark.level, "observation": mark.observation or "",
            "evidence": mark.evidence or None, "oral_evidence": mark.oral_evidence or None}
