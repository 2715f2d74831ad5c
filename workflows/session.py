"""Certification session: open → results computed → results published."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .base import N_, Lifecycle, Reason, Transition


class SessionStatus(enum.StrEnum):
    """The states, as stored (``certification_sessions.status``)."""

    OPEN = "open"
    RESULTS_COMPUTED = "results_computed"
    RESULTS_PUBLISHED = "results_published"


OPEN = SessionStatus.OPEN
RESULTS_COMPUTED = SessionStatus.RESULTS_COMPUTED
RESULTS_PUBLISHED = SessionStatus.RESULTS_PUBLISHED


@dataclass(frozen=True)
class SessionContext:
    """What the guards know of the session. ``results_stale``: a grading sheet or an
    enrolment changed since the results were computed; ``pending_results``: how many
    computed results still wait for a sheet."""

    enrolment_count: int
    job_running: bool
    result_count: int
    results_stale: bool
    pending_results: int


def _has_enrolments(ctx: SessionContext) -> str | None:
    if not ctx.enrolment_count:
        return N_("La session n'a aucun candidat inscrit : inscrivez des candidats avant de calculer.")
    return None


def _no_job_running(ctx: SessionContext) -> str | None:
    if ctx.job_running:
        return N_("Un calcul des résultats est déjà en cours : attendez qu'il se termine.")
    return None


def _has_results(ctx: SessionContext) -> str | None:
    if not ctx.result_count:
        return N_("Aucun résultat à publier : lancez d'abord le calcul des résultats.")
    return None


def _results_current(ctx: SessionContext) -> str | None:
    if ctx.results_stale:
        return N_("Des grilles ou des inscriptions ont changé depuis le calcul : recalculez "
                  "les résultats avant de les publier.")
    return None


def _nothing_pending(ctx: SessionContext) -> Reason | None:
    if ctx.pending_results:
        return Reason(N_("%(n)d résultat(s) en attente d'une grille soumise : faites soumettre "
                         "les grilles manquantes, puis recalculez avant de publier."),
                      {"n": ctx.pending_results})
    return None


SESSION = Lifecycle(
    name="session",
    states=frozenset(SessionStatus),
    transitions=(
        Transition("compute", frozenset({OPEN, RESULTS_COMPUTED}), RESULTS_COMPUTED,
                   (_has_enrolments, _no_job_running)),
        Transition("publish", frozenset({RESULTS_COMPUTED}), RESULTS_PUBLISHED,
                   (_has_results, _no_job_running, _results_current, _nothing_pending)),
    ),
    context=SessionContext,
    state_labels={
        OPEN: N_("ouverte"),
        RESULTS_COMPUTED: N_("résultats calculés"),
        RESULTS_PUBLISHED: N_("résultats publiés"),
    },
)

# States in which the session still accepts enrolments, assignments and uploads.
EDITABLE = frozenset({OPEN, RESULTS_COMPUTED})
