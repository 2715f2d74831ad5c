"""Certification session: from its planning to its archive.

draft → enrolment → exams → grading → deliberation → published → closed

What each state allows (enrolling, dating the épreuves, handing in, grading…) is said
once, in the ``ALLOWS`` table below; every feature asks ``allows(state, what)`` rather
than naming states itself. A closed session allows nothing: it is read-only everywhere.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .base import N_, Lifecycle, Reason, Transition


class SessionStatus(enum.StrEnum):
    """The states, as stored (``certification_sessions.status``)."""

    DRAFT = "draft"
    ENROLMENT = "enrolment"
    EXAMS = "exams"
    GRADING = "grading"
    DELIBERATION = "deliberation"
    PUBLISHED = "published"
    CLOSED = "closed"


DRAFT, ENROLMENT, EXAMS, GRADING, DELIBERATION, PUBLISHED, CLOSED = SessionStatus

# What a state allows. The deadlines of the épreuves still decide within a state.
ALLOWS: dict[str, frozenset[SessionStatus]] = {
    "schedule": frozenset({DRAFT, ENROLMENT, EXAMS}),
    "enrol": frozenset({DRAFT, ENROLMENT, EXAMS}),
    "assign": frozenset({DRAFT, ENROLMENT, EXAMS, GRADING}),
    # The juries are composed before grading and may still change until they deliberate.
    "jury": frozenset({DRAFT, ENROLMENT, EXAMS, GRADING}),
    "upload": frozenset({ENROLMENT, EXAMS}),
    "grade": frozenset({EXAMS, GRADING}),
    "compute": frozenset({DELIBERATION}),
    # Aménagements: asked for and decided before the épreuves end.
    "accommodate": frozenset({DRAFT, ENROLMENT, EXAMS}),
    # Absences and withdrawals: known until the jury deliberates on them.
    "attendance": frozenset({ENROLMENT, EXAMS, GRADING, DELIBERATION}),
}

# Why a state refuses, in words for the person who asked.
STATE_REFUSALS = {
    DRAFT: N_("La session est en préparation : ouvrez-la d'abord."),
    ENROLMENT: N_("La session est ouverte aux inscriptions : les épreuves n'ont pas commencé."),
    EXAMS: N_("Les épreuves de la session sont en cours."),
    GRADING: N_("La session est en correction."),
    DELIBERATION: N_("La session est en délibération : les grilles et les inscriptions ne "
                     "changent plus."),
    PUBLISHED: N_("Les résultats de la session sont publiés : elle ne peut plus être modifiée."),
    CLOSED: N_("La session est close (archivée) : elle ne peut plus être modifiée."),
}


def allows(state: str, what: str) -> bool:
    return state in ALLOWS[what]


def refusal(state: str, what: str) -> str | None:
    """The message id of why ``state`` does not allow ``what``, or None if it does."""
    return None if allows(state, what) else STATE_REFUSALS[SessionStatus(state)]


@dataclass(frozen=True)
class SessionContext:
    """What the guards know of the session.

    ``unscheduled_parts``: the épreuve parts still missing a date, a duration or a place;
    ``missing_sheets``: assigned grading sheets not submitted; ``forced``: the admin
    passes to deliberation all the same, with a written reason; ``results_stale``: a sheet
    or an enrolment changed since the results were computed; ``jury_problems``: the composition rules the juries
    break (workflows.jury_rules), each sentence naming the jury, the rule and the people;
    ``jury_forced``: a certifier admin passed over them with a written reason;
    ``deliberation_opened``: the jury has opened its deliberation (workflows.deliberation);
    ``minutes_sealed``: its procès-verbal is signed by every member and sealed."""

    unscheduled_parts: tuple[str, ...]
    enrolment_count: int
    missing_sheets: int
    forced: bool
    job_running: bool
    result_count: int
    results_stale: bool
    jury_problems: tuple[str, ...] = ()
    jury_forced: bool = False
    deliberation_opened: bool = False
    minutes_sealed: bool = False


def _not_deliberating(ctx: SessionContext) -> str | None:
    if ctx.deliberation_opened:
        return N_("Le jury a ouvert sa délibération : les propositions ne sont plus "
                  "recalculées et les grilles ne rouvrent plus.")
    return None


def _minutes_sealed(ctx: SessionContext) -> str | None:
    if not ctx.deliberation_opened:
        return N_("Le jury n'a pas encore délibéré : ouvrez la délibération, faites décider "
                  "chaque bloc, puis faites signer le procès-verbal.")
    if not ctx.minutes_sealed:
        return N_("Le procès-verbal de délibération n'est pas encore signé par tous les "
                  "membres du jury : les résultats se publient une fois le PV scellé.")
    return None


def _jury_valid(ctx: SessionContext) -> Reason | None:
    if ctx.jury_problems and not ctx.jury_forced:
        return Reason(N_("La composition du jury ne respecte pas les règles : %(problems)s "
                         "Corrigez-la depuis la page « Jury de la session » ; le certificateur "
                         "peut aussi passer outre en indiquant pourquoi."),
                      {"problems": " ".join(ctx.jury_problems)})
    return None


def _scheduled(ctx: SessionContext) -> Reason | None:
    if ctx.unscheduled_parts:
        return Reason(N_("Chaque partie d'épreuve doit avoir sa date, sa durée et son lieu (ou "
                         "« à distance ») avant l'ouverture : à compléter pour %(parts)s."),
                      {"parts": ", ".join(ctx.unscheduled_parts)})
    return None


def _has_enrolments(ctx: SessionContext) -> str | None:
    if not ctx.enrolment_count:
        return N_("La session n'a aucun candidat inscrit : inscrivez des candidats d'abord.")
    return None


def _sheets_complete(ctx: SessionContext) -> Reason | None:
    if ctx.missing_sheets and not ctx.forced:
        return Reason(N_("%(n)d grille(s) d'évaluation ne sont pas soumises : attendez-les, ou "
                         "passez en délibération en indiquant pourquoi."),
                      {"n": ctx.missing_sheets})
    return None


def _no_job_running(ctx: SessionContext) -> str | None:
    if ctx.job_running:
        return N_("Un calcul des résultats est déjà en cours : attendez qu'il se termine.")
    return None


def _has_results(ctx: SessionContext) -> str | None:
    if not ctx.result_count:
        return N_("Aucun résultat à publier : lancez d'abord le calcul des résultats.")
    return None


SESSION = Lifecycle(
    name="session",
    states=frozenset(SessionStatus),
    transitions=(
        Transition("open", frozenset({DRAFT}), ENROLMENT, (_scheduled,)),
        Transition("start_exams", frozenset({ENROLMENT}), EXAMS, (_scheduled, _has_enrolments)),
        Transition("start_grading", frozenset({EXAMS}), GRADING, (_jury_valid,)),
        Transition("deliberate", frozenset({GRADING}), DELIBERATION,
                   (_jury_valid, _sheets_complete)),
        # Back to grading to have a sheet corrected before the results are published.
        Transition("resume_grading", frozenset({DELIBERATION}), GRADING,
                   (_no_job_running, _not_deliberating)),
        # Computing does not change the state: it may be run again until publication.
        Transition("compute", frozenset({DELIBERATION}), DELIBERATION,
                   (_has_enrolments, _no_job_running, _not_deliberating)),
        # The sealed PV holds a decision for every bloc sat: nothing is left pending.
        Transition("publish", frozenset({DELIBERATION}), PUBLISHED,
                   (_has_results, _no_job_running, _minutes_sealed)),
        Transition("close", frozenset({PUBLISHED}), CLOSED),
    ),
    context=SessionContext,
    state_labels={
        DRAFT: N_("en préparation"),
        ENROLMENT: N_("ouverte aux inscriptions"),
        EXAMS: N_("épreuves en cours"),
        GRADING: N_("en correction"),
        DELIBERATION: N_("en délibération"),
        PUBLISHED: N_("résultats publiés"),
        CLOSED: N_("close"),
    },
)

# The transitions an admin takes from the session's page, in the order of the lifecycle
# (compute and publish are on the results page).
STEPS = ("open", "start_exams", "start_grading", "deliberate", "resume_grading", "close")

# Results count for the title, and reach the candidates, from publication on.
RESULTS_RELEASED = frozenset({PUBLISHED, CLOSED})
