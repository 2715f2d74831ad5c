"""The certification session's lifecycle: its states, what each allows, and its guards."""

from __future__ import annotations

import pytest

from workflows import TransitionRefused
from workflows.session import (
    ALLOWS,
    SESSION,
    STATE_REFUSALS,
    STEPS,
    SessionContext,
    SessionStatus,
    allows,
    refusal,
)

S = SessionStatus


def ctx(unscheduled=(), enrolments=1, missing=0, forced=False, running=False, results=0,
        stale=False, jury=(), jury_forced=False, opened=False,
        sealed=False) -> SessionContext:
    return SessionContext(unscheduled_parts=tuple(unscheduled), enrolment_count=enrolments,
                          missing_sheets=missing, forced=forced, job_running=running,
                          result_count=results, results_stale=stale,
                          jury_problems=tuple(jury), jury_forced=jury_forced,
                          deliberation_opened=opened, minutes_sealed=sealed)


def test_the_whole_path_from_draft_to_closed():
    state = S.DRAFT
    for action in ("open", "start_exams", "start_grading", "deliberate"):
        state = SESSION.check(action, state, ctx())
    assert state == S.DELIBERATION
    assert SESSION.check("compute", state, ctx()) == S.DELIBERATION  # may be run again
    state = SESSION.check("publish", state, ctx(results=2, opened=True, sealed=True))
    assert state == S.PUBLISHED
    assert SESSION.check("close", state, ctx()) == S.CLOSED


def test_it_cannot_open_until_every_part_is_dated_and_placed():
    with pytest.raises(TransitionRefused, match="Bloc 3 · Soutenance orale"):
        SESSION.check("open", S.DRAFT, ctx(unscheduled=["Bloc 3 · Soutenance orale"]))


def test_the_exams_need_candidates():
    with pytest.raises(TransitionRefused, match="aucun candidat"):
        SESSION.check("start_exams", S.ENROLMENT, ctx(enrolments=0))


def test_deliberation_waits_for_every_sheet_unless_forced_with_a_reason():
    with pytest.raises(TransitionRefused, match="3 grille"):
        SESSION.check("deliberate", S.GRADING, ctx(missing=3))
    assert SESSION.check("deliberate", S.GRADING, ctx(missing=3, forced=True)) == \
        S.DELIBERATION


def test_publish_refuses_before_the_jury_deliberated_and_its_pv_is_sealed():
    done = {"opened": True, "sealed": True}
    for context, words in ((ctx(results=0, **done), "Aucun résultat"),
                           (ctx(results=2, running=True, **done), "déjà en cours"),
                           (ctx(results=2), "pas encore délibéré"),
                           (ctx(results=2, opened=True), "pas encore signé")):
        with pytest.raises(TransitionRefused, match=words):
            SESSION.check("publish", S.DELIBERATION, context)
    assert SESSION.refusal("publish", S.DELIBERATION, ctx(results=2, **done)) is None


def test_once_the_jury_deliberates_nothing_is_computed_nor_graded_again():
    for action in ("compute", "resume_grading"):
        with pytest.raises(TransitionRefused, match="ouvert sa délibération"):
            SESSION.check(action, S.DELIBERATION, ctx(results=2, opened=True))


def test_computing_and_publishing_happen_in_deliberation_only():
    for state in set(S) - {S.DELIBERATION}:
        with pytest.raises(TransitionRefused):
            SESSION.check("compute", state, ctx(results=1))
        with pytest.raises(TransitionRefused):
            SESSION.check("publish", state, ctx(results=1))


def test_back_to_grading_to_correct_a_sheet_but_not_during_a_computation():
    assert SESSION.check("resume_grading", S.DELIBERATION, ctx()) == S.GRADING
    with pytest.raises(TransitionRefused, match="en cours"):
        SESSION.check("resume_grading", S.DELIBERATION, ctx(running=True))


def test_a_closed_session_goes_nowhere_and_allows_nothing():
    assert SESSION.allowed_actions(S.CLOSED, ctx(results=1)) == []
    assert not any(allows(S.CLOSED, what) for what in ALLOWS)
    assert "close" in refusal(S.CLOSED, "enrol")


def test_what_each_state_allows():
    assert allows(S.DRAFT, "enrol") and not allows(S.DRAFT, "upload")
    assert allows(S.EXAMS, "upload") and allows(S.EXAMS, "grade")
    assert not allows(S.GRADING, "upload") and allows(S.GRADING, "grade")
    assert not allows(S.DELIBERATION, "grade") and allows(S.DELIBERATION, "compute")
    assert not any(allows(S.PUBLISHED, w) for w in ALLOWS)


def test_every_state_has_a_label_and_a_refusal_in_words():
    assert set(SESSION.state_labels) == set(S) == set(STATE_REFUSALS)
    assert set(STEPS) <= {t.action for t in SESSION.transitions}


def test_a_jury_breaking_the_rules_blocks_grading_and_deliberation_unless_forced():
    broken = ctx(jury=["Jury de la session — Présidence : pas de président."])
    for action, state in (("start_grading", S.EXAMS), ("deliberate", S.GRADING)):
        with pytest.raises(TransitionRefused) as refused:
            SESSION.check(action, state, broken)
        assert "Présidence : pas de président." in refused.value.reason
        forced = ctx(jury=["Jury de la session — Présidence : pas de président."],
                     jury_forced=True)
        assert SESSION.check(action, state, forced) in (S.GRADING, S.DELIBERATION)
    # Missing sheets are forced with a reason of their own, not by the jury's force.
    with pytest.raises(TransitionRefused):
        SESSION.check("deliberate", S.GRADING, ctx(missing=2, jury_forced=True))


def test_juries_are_composed_until_deliberation():
    assert [s for s in S if allows(s, "jury")] == [S.DRAFT, S.ENROLMENT, S.EXAMS, S.GRADING]
