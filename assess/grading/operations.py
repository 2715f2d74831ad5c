"""Grading state changes: save a draft grille, submit it (locked). Flush, never commit.

``values`` maps a criterion id to a dict with any of ``level`` (a code of the
référentiel's scale, or None), ``observation`` and ``evidence``; a key left out keeps
what is stored. Every changed line is audited ("grade.changed", old and new values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect

from rubrics.loader import load
from workflows.base import Refused, TransitionRefused
from workflows.grading import DRAFT, GRADING_SHEET, GradingContext

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..referential.labels import level_label
from ..unit_of_work import Conflict
from .models import CriterionMark, GradingSheet, SheetStatus
from .permissions import can_grade

MAX_OBSERVATION = 5000
MAX_EVIDENCE = 2000
FIELDS = ("level", "observation", "evidence")


class GradingError(Refused):
    """Values that cannot be stored (unknown level, text too long); the message is for the user."""


class StaleSheet(Conflict):
    """The sheet changed since the form was loaded (another tab, another request)."""

    @property
    def sheet(self) -> GradingSheet | None:
        return self.current


class SheetIncomplete(TransitionRefused):
    """Submit refused because some criteria have no level; ``missing`` lists their codes."""

    def __init__(self, reason: str, missing: list[str], **kwargs):
        super().__init__(reason, **kwargs)
        self.missing = missing


def scale_levels(version) -> list[dict]:
    """The levels of a référentiel version's scale ({code, label}); a version stored
    without one falls back on the packaged référentiel's scale."""
    data = getattr(version, "data", None) or {}
    levels = (data.get("scale") or {}).get("levels") or _packaged_levels()
    # Labels are read in the reader's language when they are the default scale's.
    return [{"code": str(lv["code"]),
             "label": str(level_label(str(lv["code"]), str(lv.get("label") or lv["code"])))}
            for lv in levels]


@cache
def _packaged_levels() -> tuple[dict, ...]:
    return tuple({"code": lv.code, "label": lv.label} for lv in load().scale.levels)


def clean_text(value) -> str:
    """A text as stored: browsers post CRLF, so that an unchanged text is not a change."""
    return (value or "").replace("\r\n", "\n").strip()


def criteria_of(assignment) -> list:
    return list(assignment.exam.block.criteria)


def stored_values(sheet: GradingSheet | None) -> dict[int, dict]:
    """What the sheet holds, per criterion id (empty lines when there is no sheet yet)."""
    if sheet is None:
        return {}
    return {m.criterion_id: _mark_values(m) for m in sheet.marks}


def sheet_version(sheet: GradingSheet | None) -> int:
    """0 stands for "no sheet yet": the first save creates it."""
    return sheet.version if sheet is not None else 0


def save_sheet(actor, assignment, values: Mapping[int, Mapping[str, Any]],
               expected_version: int) -> GradingSheet:
    """Store the typed values as a draft. Raises GradingError, StaleSheet, TransitionRefused."""
    return _change(actor, assignment, values, expected_version, "save")


def submit_sheet(actor, assignment, values: Mapping[int, Mapping[str, Any]],
                 expected_version: int) -> GradingSheet:
    """Store the values and lock the sheet; every criterion needs a level (SheetIncomplete)."""
    sheet = _change(actor, assignment, values, expected_version, "submit")
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = utcnow()
    db.session.flush()
    record(actor, "sheet.submitted", sheet, session_id=assignment.exam.session_id,
           old={"status": SheetStatus.DRAFT},
           new={"status": SheetStatus.SUBMITTED,
                "submitted_at": sheet.submitted_at.isoformat()})
    return sheet


def _change(actor, assignment, values, expected_version, action: str) -> GradingSheet:
    if not can_grade(actor, assignment):
        raise GradingError(_("Seul le membre du jury désigné peut évaluer cette épreuve."))
    criteria = criteria_of(assignment)
    codes = {lv["code"] for lv in scale_levels(assignment.exam.block.version)}
    clean = _normalise(values, {c.id for c in criteria}, codes)
    sheet = assignment.sheet
    state = sheet_state(sheet)
    # A locked sheet answers with its state (below), not with a version conflict.
    if state == DRAFT and sheet_version(sheet) != expected_version:
        raise StaleSheet(sheet)
    stored = stored_values(sheet)
    merged = {c.id: {**_empty(), **stored.get(c.id, {}), **clean.get(c.id, {})}
              for c in criteria}
    ctx = grading_context(assignment, tuple(c.code for c in criteria
                                            if not merged[c.id]["level"]))
    _check(action, state, ctx)
    sheet = _ensure_sheet(assignment, criteria)
    _apply(actor, sheet, clean, assignment.exam.session_id)
    return sheet


def sheet_state(sheet: GradingSheet | None) -> str:
    return sheet.status if sheet is not None else DRAFT


def grading_context(assignment, missing_levels: tuple[str, ...] = ()) -> GradingContext:
    return GradingContext(
        missing_levels=missing_levels,
        session_status=assignment.exam.session.status)


def _check(action: str, state: str, ctx: GradingContext) -> str:
    # State and session first, so that "incomplete" is only said of a sheet one may change.
    GRADING_SHEET.check(action, state, replace(ctx, missing_levels=()))
    try:
        return GRADING_SHEET.check(action, state, ctx)
    except TransitionRefused as exc:
        raise SheetIncomplete(exc.reason, list(ctx.missing_levels),
                              lifecycle=exc.lifecycle, action=exc.action,
                              state=exc.state) from exc


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
        if "evidence" in given:
            line["evidence"] = _text(given["evidence"], MAX_EVIDENCE) or None
        clean[criterion_id] = line
    return clean


def _text(value, limit: int) -> str:
    text = clean_text(value)
    if len(text) > limit:
        raise GradingError(_("Texte trop long (%(count)d caractères, %(limit)d au plus) : "
                             "raccourcissez-le.", count=len(text), limit=limit))
    return text


def _ensure_sheet(assignment, criteria) -> GradingSheet:
    """The sheet with one line per criterion of the bloc, created on first need."""
    sheet = assignment.sheet
    if sheet is None:
        sheet = GradingSheet(assignment=assignment, status=SheetStatus.DRAFT)
        db.session.add(sheet)
    have = {m.criterion_id for m in sheet.marks}
    for criterion in criteria:
        if criterion.id not in have:
            sheet.marks.append(CriterionMark(criterion_id=criterion.id, criterion=criterion, level=None,
                                             observation="", evidence=None))
    return sheet


def _apply(actor, sheet: GradingSheet, clean: dict[int, dict], session_id: int) -> None:
    changes = []
    for mark in sheet.marks:
        wanted = clean.get(mark.criterion_id)
        if not wanted:
            continue
        old = _mark_values(mark)
        new = {**old, **wanted}
        if new != old:
            mark.level, mark.observation, mark.evidence = (new[k] for k in FIELDS)
            changes.append((mark, old, new))
    if changes and not inspect(sheet).pending:
        sheet.updated_at = utcnow()  # an UPDATE of the sheet row bumps its version
    db.session.flush()
    for mark, old, new in changes:
        record(actor, "grade.changed", mark, old=old, new=new, session_id=session_id)


def _empty() -> dict:
    return {"level": None, "observation": "", "evidence": None}


def _mark_values(mark: CriterionMark) -> dict:
    return {"level": mark.level, "observation": mark.observation or "",
            "evidence": mark.evidence or None}
