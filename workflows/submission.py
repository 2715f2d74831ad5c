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
    """What the guards know: the time now, the deadline (naive UTC, None if unset), the
    state of the session (handing in happens while it allows it), when hand-in opens (a
    case study sat at the centre: its start), the candidate's individual extension and
    whether the session accepts late work."""

    now: datetime
    deadline: datetime | None
    session_status: str
    opens_at: datetime | None = None
    extended_until: datetime | None = None
    accepts_late: bool = False


def effective_deadline(ctx: SubmissionContext) -> datetime | None:
    """The deadline that applies to this candidate: an extension only ever adds time."""
    if ctx.deadline is None:
        return None
    if ctx.extended_until is not None and ctx.extended_until > ctx.deadline:
        return ctx.extended_until
    return ctx.deadline


def is_late(ctx: SubmissionContext) -> bool:
    """Handed in now, would it be after the deadline that applies (extension included)?"""
    deadline = effective_deadline(ctx)
    return deadline is not None and ctx.now > deadline


def _window_open(ctx: SubmissionContext) -> str | None:
    if ctx.opens_at is not None and ctx.now < ctx.opens_at:
        return N_("Le dépôt n'est pas encore ouvert : il ouvre au début de l'épreuve.")
    return None


def _before_deadline(ctx: SubmissionContext) -> str | None:
    if ctx.deadline is None:
        return N_("Aucune date limite de dépôt n'est fixée pour cette épreuve : le dépôt n'est pas ouvert.")
    if is_late(ctx) and not ctx.accepts_late:
        return N_("La date limite de dépôt est passée : le dépôt n'est plus possible. En cas "
                  "d'empêchement (aménagement, incident), demandez un délai à votre centre de "
                  "formation.")
    return None


def _session_editable(ctx: SubmissionContext) -> str | None:
    return session.refusal(ctx.session_status, "upload")


SUBMISSION = Lifecycle(
    name="submission",
    states=frozenset({NONE, *SubmissionStatus}),
    transitions=(
        # Uploading again before the deadline supersedes the previous file.
        Transition("upload", frozenset({NONE, SUBMITTED}), SUBMITTED,
                   (_session_editable, _window_open, _before_deadline)),
        Transition("lock", frozenset({SUBMITTED}), LOCKED),
    ),
    context=SubmissionContext,
    state_labels={NONE: N_("non déposé"), SUBMITTED: N_("déposé"), LOCKED: N_("verrouillé")},
)
