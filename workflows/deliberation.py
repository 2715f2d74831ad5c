"""Deliberation of a session's jury: the rules of its decisions, free of Flask.

not opened → open → closed

The jury de délibération opens it once the results (proposals) are computed and current;
it decides each disagreement (the level retained) and each bloc a candidate sat; a
decision that differs from the proposal needs a written reason. It closes when every
candidate has a decision for every bloc they sat. Closing draws the procès-verbal that
the members sign (``assess.minutes``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from rubrics.scoring import NOT_VALIDATED, PENDING, VALIDATED

from .base import N_, Lifecycle, Reason, Refused, Transition


class DeliberationStatus(enum.StrEnum):
    NOT_OPENED = "not_opened"  # no row yet: never stored
    OPEN = "open"
    CLOSED = "closed"


NOT_OPENED, OPEN, CLOSED = DeliberationStatus

# What a jury may decide for a bloc: the outcome, never « en attente ».
DECIDABLE_OUTCOMES = (VALIDATED, NOT_VALIDATED)
# A reason is at least a sentence, not a letter typed to get past the form.
MIN_REASON = 5


@dataclass(frozen=True)
class DeliberationContext:
    """``session_deliberating``: the session is in the deliberation state;
    ``results_ready``: results are computed, current, with no computation running;
    ``undecided``: the blocs sat but not decided, as « Nom (bloc 2) »."""

    session_deliberating: bool
    results_ready: bool
    undecided: tuple[str, ...] = ()


def _session_deliberating(ctx: DeliberationContext) -> str | None:
    if not ctx.session_deliberating:
        return N_("La session n'est pas en délibération : passez-la d'abord en délibération "
                  "depuis sa page.")
    return None


def _results_ready(ctx: DeliberationContext) -> str | None:
    if not ctx.results_ready:
        return N_("Les propositions de résultats ne sont pas à jour : lancez le calcul des "
                  "résultats et attendez qu'il se termine avant d'ouvrir la délibération.")
    return None


def _all_decided(ctx: DeliberationContext) -> Reason | None:
    if ctx.undecided:
        shown = ", ".join(ctx.undecided[:10])
        more = len(ctx.undecided) - 10
        return Reason(N_("%(n)d décision(s) manquent encore : %(blocs)s%(more)s. Décidez "
                         "chaque bloc passé par chaque candidat avant de clore."),
                      {"n": len(ctx.undecided), "blocs": shown,
                       "more": f" (+{more})" if more > 0 else ""})
    return None


DELIBERATION = Lifecycle(
    name="deliberation",
    states=frozenset(DeliberationStatus),
    transitions=(
        Transition("open", frozenset({NOT_OPENED}), OPEN, (_session_deliberating, _results_ready)),
        Transition("decide", frozenset({OPEN}), OPEN),
        Transition("close", frozenset({OPEN}), CLOSED, (_all_decided,)),
    ),
    context=DeliberationContext,
    state_labels={
        NOT_OPENED: N_("pas encore ouverte"),
        OPEN: N_("ouverte"),
        CLOSED: N_("close"),
    },
)


class DecisionRefused(Refused):
    """A decision the jury cannot record as given; the reason says what to change."""


def needs_reason(proposed: str | None, decided: str) -> bool:
    """A decision that differs from what the rule proposes (or where the rule proposed
    nothing: a disagreement, a bloc « en attente ») is explained in writing."""
    return proposed is None or proposed == PENDING or proposed != decided


def check_reason(proposed: str | None, decided: str, reason: str | None) -> str | None:
    """The reason to store (stripped, None when none is needed and none given); raises
    ``DecisionRefused`` when one is needed and missing or too short."""
    text = (reason or "").strip()
    if needs_reason(proposed, decided) and len(text) < MIN_REASON:
        raise DecisionRefused(N_("Cette décision diffère de la proposition (ou tranche un "
                                 "désaccord) : écrivez-en la raison, en une phrase au moins."))
    return text or None


def check_bloc_decision(outcome: str, *, enrolled: bool, sat: bool) -> None:
    """A bloc decision is taken on a bloc the candidate is enrolled in and sat."""
    if outcome not in DECIDABLE_OUTCOMES:
        raise DecisionRefused(N_("Choisissez « validé » ou « non validé » pour ce bloc."))
    if not enrolled:
        raise DecisionRefused(N_("Le candidat n'est pas inscrit à ce bloc : il n'y a rien à "
                                 "décider."))
    if not sat:
        raise DecisionRefused(N_("Le candidat n'a pas passé ce bloc (absence ou abandon "
                                 "enregistré) : le bloc n'est pas validé, sans décision du "
                                 "jury."))


def check_held_on(held_on: date, *, today: date, computed_on: date | None) -> None:
    """The deliberation is dated on a day it can have been held: not in the future, not
    before the proposals it decides on were computed. (Its date is the titles' award date.)"""
    if held_on > today:
        raise DecisionRefused(N_("La date de la délibération ne peut pas être dans le futur."))
    if computed_on is not None and held_on < computed_on:
        raise DecisionRefused(N_("La délibération ne peut pas précéder le calcul des "
                                 "propositions sur lesquelles elle statue."))


def check_level_decision(level: str, *, scale_codes: tuple[str, ...],
                         disputed: bool) -> None:
    """The jury retains a level of the scale, on a criterion the evaluators disagree on."""
    if not disputed:
        raise DecisionRefused(N_("Les évaluateurs sont d'accord sur ce critère : il n'y a pas "
                                 "de désaccord à trancher."))
    if level not in scale_codes:
        raise DecisionRefused(N_("Choisissez un niveau de l'échelle pour ce critère."))
