"""Certification session: open → results computed → results published."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import N_, Lifecycle, Transition

OPEN = "open"
RESULTS_COMPUTED = "results_computed"
RESULTS_PUBLISHED = "results_published"


def _has_enrolments(ctx: Mapping[str, Any]) -> str | None:
    if not ctx.get("enrolment_count"):
        return N_("La session n'a aucun candidat inscrit : inscrivez des candidats avant de calculer.")
    return None


def _no_job_running(ctx: Mapping[str, Any]) -> str | None:
    if ctx.get("job_running"):
        return N_("Un calcul des résultats est déjà en cours : attendez qu'il se termine.")
    return None


def _has_results(ctx: Mapping[str, Any]) -> str | None:
    if not ctx.get("result_count"):
        return N_("Aucun résultat à publier : lancez d'abord le calcul des résultats.")
    return None


SESSION = Lifecycle(
    name="session",
    states=frozenset({OPEN, RESULTS_COMPUTED, RESULTS_PUBLISHED}),
    transitions=(
        Transition("compute", frozenset({OPEN, RESULTS_COMPUTED}), RESULTS_COMPUTED,
                   (_has_enrolments, _no_job_running)),
        Transition("publish", frozenset({RESULTS_COMPUTED}), RESULTS_PUBLISHED,
                   (_has_results, _no_job_running)),
    ),
    state_labels={
        OPEN: N_("ouverte"),
        RESULTS_COMPUTED: N_("résultats calculés"),
        RESULTS_PUBLISHED: N_("résultats publiés"),
    },
)

# States in which the session still accepts enrolments, assignments and uploads.
EDITABLE = frozenset({OPEN, RESULTS_COMPUTED})
