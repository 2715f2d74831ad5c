"""Grading sheet: draft (saved as often as wanted) → submitted (locked)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import N_, Lifecycle, Reason, Transition

DRAFT = "draft"
SUBMITTED = "submitted"


def _all_levels_given(ctx: Mapping[str, Any]) -> Reason | None:
    missing = ctx.get("missing_levels") or []
    if missing:
        return Reason(N_("Indiquez un niveau pour chaque critère avant de soumettre "
                         "(manquant : %(missing)s)."), {"missing": ", ".join(missing)})
    return None


def _session_editable(ctx: Mapping[str, Any]) -> str | None:
    if ctx.get("session_published"):
        return N_("Les résultats de la session sont publiés : la grille ne peut plus être modifiée.")
    return None


GRADING_SHEET = Lifecycle(
    name="grading_sheet",
    states=frozenset({DRAFT, SUBMITTED}),
    transitions=(
        Transition("save", frozenset({DRAFT}), DRAFT, (_session_editable,)),
        Transition("submit", frozenset({DRAFT}), SUBMITTED, (_session_editable, _all_levels_given)),
    ),
    state_labels={DRAFT: N_("brouillon"), SUBMITTED: N_("soumise")},
)
