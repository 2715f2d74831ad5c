"""Grading sheet: draft (saved as often as wanted) → submitted (locked)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from . import session
from .base import N_, Lifecycle, Reason, Transition


class SheetStatus(enum.StrEnum):
    """The states, as stored (``grading_sheets.status``)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


DRAFT = SheetStatus.DRAFT
SUBMITTED = SheetStatus.SUBMITTED


@dataclass(frozen=True)
class GradingContext:
    """What the guards know of the sheet: the criteria left without a level (codes), and
    the state of its session (grading happens while it allows it)."""

    missing_levels: tuple[str, ...]
    session_status: str


def _all_levels_given(ctx: GradingContext) -> Reason | None:
    if ctx.missing_levels:
        return Reason(N_("Indiquez un niveau pour chaque critère avant de soumettre "
                         "(manquant : %(missing)s)."), {"missing": ", ".join(ctx.missing_levels)})
    return None


def _session_editable(ctx: GradingContext) -> str | None:
    return session.refusal(ctx.session_status, "grade")


GRADING_SHEET = Lifecycle(
    name="grading_sheet",
    states=frozenset(SheetStatus),
    transitions=(
        Transition("save", frozenset({DRAFT}), DRAFT, (_session_editable,)),
        Transition("submit", frozenset({DRAFT}), SUBMITTED, (_session_editable, _all_levels_given)),
    ),
    context=GradingContext,
    state_labels={DRAFT: N_("brouillon"), SUBMITTED: N_("soumise")},
)
