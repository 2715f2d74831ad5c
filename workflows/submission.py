"""Submission: a candidate hands in work until the deadline; after it the submission is locked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .base import N_, Lifecycle, Transition

NONE = "none"
SUBMITTED = "submitted"
LOCKED = "locked"


def _before_deadline(ctx: Mapping[str, Any]) -> str | None:
    deadline: datetime | None = ctx.get("deadline")
    now: datetime = ctx["now"]
    if deadline is None:
        return N_("Aucune date limite de dépôt n'est fixée pour cette épreuve : le dépôt n'est pas ouvert.")
    if now > deadline:
        return N_("La date limite de dépôt est passée : le dépôt n'est plus possible.")
    return None


def _session_editable(ctx: Mapping[str, Any]) -> str | None:
    if ctx.get("session_published"):
        return N_("Les résultats de la session sont publiés : le dépôt est clos.")
    return None


SUBMISSION = Lifecycle(
    name="submission",
    states=frozenset({NONE, SUBMITTED, LOCKED}),
    transitions=(
        # Uploading again before the deadline supersedes the previous file.
        Transition("upload", frozenset({NONE, SUBMITTED}), SUBMITTED,
                   (_session_editable, _before_deadline)),
        Transition("lock", frozenset({SUBMITTED}), LOCKED),
    ),
    state_labels={NONE: N_("non déposé"), SUBMITTED: N_("déposé"), LOCKED: N_("verrouillé")},
)
