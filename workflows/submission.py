"""Submission: a candidate hands in work until the deadline; after it the submission is locked."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from . import session
from .base import N_, Lifecycle, Transition


class SubmissionStatus(enum.StrEnum):
    """The stored states (``submissions.status``)."""

    SUBMITTED = "submitted"
    LOCKED = "locked"


# Nothing handed in yet: the state of an épreuve without a submission row.
NONE = "none"
SUBMITTED = SubmissionStatus.SUBMITTED
LOCKED = SubmissionStatus.LOCKED


@dataclass(frozen=True)
class SubmissionContext:
    """What the guards know: the time now, the deadline (naive UTC, None if unset) and the
    state of the session (handing in happens while it allows it)."""

    now: datetime
    deadline: datetime | None
    session_status: str


def _before_deadline(ctx: SubmissionContext) -> str | None:
    if ctx.deadline is None:
        return N_("Aucune date limite de dépôt n'est fixée pour cette épreuve : le dépôt n'est pas ouvert.")
    if ctx.now > ctx.deadline:
        return N_("La date limite de dépôt est passée : le dépôt n'est plus possible.")
    return None


def _session_editable(ctx: SubmissionContext) -> str | None:
    return session.refusal(ctx.session_status, "upload")


SUBMISSION = Lifecycle(
    name="submission",
    states=frozenset({NONE, *SubmissionStatus}),
    transitions=(
        # Uploading again before the deadline supersedes the previous file.
        Transition("upload", frozenset({NONE, SUBMITTED}), SUBMITTED,
                   (_session_editable, _before_deadline)),
        Transition("lock", frozenset({SUBMITTED}), LOCKED),
    ),
    context=SubmissionContext,
    state_labels={NONE: N_("non déposé"), SUBMITTED: N_("déposé"), LOCKED: N_("verrouillé")},
)
