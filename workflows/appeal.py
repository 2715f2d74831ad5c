"""A candidate's appeal (recours) against a published result, free of Flask.

filed → under review → rejected | re-deliberated → closed

Filed within the certifier's period after the candidate's publication; the admin (or the
jury) takes it under review, then rejects it with a reason or re-deliberates: the
candidate's decisions reopen, new ones are recorded and an amendment PV is sealed. The
original decisions stay on record.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from .base import N_, Lifecycle, Reason, Refused, Transition


class AppealStatus(enum.StrEnum):
    FILED = "filed"
    UNDER_REVIEW = "under_review"
    REJECTED = "rejected"
    REDELIBERATED = "redeliberated"
    CLOSED = "closed"


FILED, UNDER_REVIEW, REJECTED, REDELIBERATED, CLOSED = AppealStatus


@dataclass(frozen=True)
class AppealContext:
    """``undecided``: blocs reopened by the re-deliberation without a new decision yet;
    ``amendment_sealed``: the amendment PV recording the new decisions is sealed."""

    undecided: int = 0
    amendment_sealed: bool = False


def _redecided(ctx: AppealContext) -> Reason | None:
    if ctx.undecided:
        return Reason(N_("%(n)d bloc(s) rouvert(s) attendent encore une nouvelle décision."),
                      {"n": ctx.undecided})
    return None


def _amendment_sealed(ctx: AppealContext) -> str | None:
    if not ctx.amendment_sealed:
        return N_("L'avenant au procès-verbal n'est pas encore signé par tous les membres du "
                  "jury.")
    return None


APPEAL = Lifecycle(
    name="appeal",
    states=frozenset(AppealStatus),
    transitions=(
        Transition("review", frozenset({FILED}), UNDER_REVIEW),
        Transition("reject", frozenset({FILED, UNDER_REVIEW}), REJECTED),
        Transition("redeliberate", frozenset({FILED, UNDER_REVIEW}), REDELIBERATED),
        # Closed once the new decisions are recorded and their amendment PV sealed.
        Transition("close", frozenset({REDELIBERATED}), CLOSED,
                   (_redecided, _amendment_sealed)),
    ),
    context=AppealContext,
    state_labels={
        FILED: N_("déposé"),
        UNDER_REVIEW: N_("en cours d'examen"),
        REJECTED: N_("rejeté"),
        REDELIBERATED: N_("en nouvelle délibération"),
        CLOSED: N_("clos après nouvelle délibération"),
    },
)

# The states in which the appeal is still waiting for the certifier's answer.
OPEN_STATES = frozenset({FILED, UNDER_REVIEW, REDELIBERATED})
MIN_REASON = 10


class AppealRefused(Refused):
    """An appeal that cannot be filed or answered as asked; the reason says why."""


def filing_deadline(published_on: date, period_days: int) -> date:
    """The last day an appeal may be filed: ``period_days`` after the publication."""
    return published_on + timedelta(days=period_days)


def check_filing(*, published_on: date | None, today: date, period_days: int | None,
                 already: bool, reason: str) -> str:
    """The reason to store, or ``AppealRefused`` saying why no appeal can be filed."""
    check_window(published_on=published_on, today=today, period_days=period_days,
                 already=already)
    return check_reason(reason)


def check_window(*, published_on: date | None, today: date, period_days: int | None,
                 already: bool) -> None:
    """``AppealRefused`` when no appeal can be filed now, whatever its reason."""
    if published_on is None:
        raise AppealRefused(N_("Aucun résultat publié ne peut faire l'objet d'un recours."))
    if already:
        raise AppealRefused(N_("Vous avez déjà déposé un recours contre ce résultat : suivez-"
                               "le depuis cette page."))
    if not period_days:
        raise AppealRefused(N_("Le certificateur n'a pas ouvert de délai de recours."))
    if today > filing_deadline(published_on, period_days):
        raise AppealRefused(Reason(N_("Le délai de recours de %(days)d jours après la "
                                      "publication est dépassé."), {"days": period_days}))


def check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        raise AppealRefused(N_("Expliquez la raison en quelques phrases (au moins 10 "
                               "caractères)."))
    return text
