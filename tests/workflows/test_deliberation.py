"""The deliberation's rules: when it opens and closes, which decisions need a reason."""

from __future__ import annotations

import pytest

from workflows.base import TransitionRefused
from workflows.deliberation import (
    CLOSED,
    DELIBERATION,
    NOT_OPENED,
    OPEN,
    DecisionRefused,
    DeliberationContext,
    check_bloc_decision,
    check_level_decision,
    check_reason,
    needs_reason,
)


def ctx(**kw):
    return DeliberationContext(**{"session_deliberating": True, "results_ready": True, **kw})


def test_opens_in_deliberation_with_current_results_and_closes_when_all_decided():
    assert DELIBERATION.check("open", NOT_OPENED, ctx()) == OPEN
    assert DELIBERATION.check("close", OPEN, ctx()) == CLOSED


@pytest.mark.parametrize("facts,words", [
    ({"session_deliberating": False}, "pas en délibération"),
    ({"results_ready": False}, "pas à jour"),
])
def test_does_not_open_otherwise(facts, words):
    with pytest.raises(TransitionRefused, match=words):
        DELIBERATION.check("open", NOT_OPENED, ctx(**facts))


def test_does_not_close_while_a_bloc_is_undecided_and_names_it():
    with pytest.raises(TransitionRefused) as refused:
        DELIBERATION.check("close", OPEN, ctx(undecided=("Léa Dupont (2)",)))
    assert "Léa Dupont (2)" in refused.value.reason and "1 décision" in refused.value.reason


def test_the_list_of_undecided_is_cut_at_ten():
    names = tuple(f"C{i} (1)" for i in range(14))
    with pytest.raises(TransitionRefused) as refused:
        DELIBERATION.check("close", OPEN, ctx(undecided=names))
    assert "C9 (1)" in refused.value.reason and "C10" not in refused.value.reason
    assert "(+4)" in refused.value.reason


@pytest.mark.parametrize("state,action", [(CLOSED, "decide"), (CLOSED, "open"),
                                          (NOT_OPENED, "decide"), (OPEN, "open")])
def test_nothing_is_decided_outside_an_open_deliberation(state, action):
    with pytest.raises(TransitionRefused):
        DELIBERATION.check(action, state, ctx())


@pytest.mark.parametrize("proposed,decided,needed", [
    ("validated", "validated", False), ("not_validated", "not_validated", False),
    ("validated", "not_validated", True), ("not_validated", "validated", True),
    ("pending", "validated", True), (None, "acquis", True),
])
def test_a_reason_is_needed_when_the_decision_differs_or_settles_a_doubt(proposed, decided,
                                                                         needed):
    assert needs_reason(proposed, decided) is needed


def test_check_reason_refuses_a_missing_or_token_reason_and_strips_a_good_one():
    for reason in (None, "", "   ", "ok"):
        with pytest.raises(DecisionRefused, match="raison"):
            check_reason("validated", "not_validated", reason)
    assert check_reason("validated", "not_validated", "  Dossier incomplet.  ") == \
        "Dossier incomplet."
    assert check_reason("validated", "validated", "") is None


@pytest.mark.parametrize("outcome,enrolled,sat,words", [
    ("pending", True, True, "validé"),
    ("validated", False, True, "pas inscrit"),
    ("validated", True, False, "pas passé"),
])
def test_a_bloc_decision_is_on_a_bloc_enrolled_and_sat(outcome, enrolled, sat, words):
    with pytest.raises(DecisionRefused, match=words):
        check_bloc_decision(outcome, enrolled=enrolled, sat=sat)
    check_bloc_decision("validated", enrolled=True, sat=True)


def test_a_level_is_retained_only_on_a_disputed_criterion_and_from_the_scale():
    codes = ("non_acquis", "partiellement_acquis", "acquis")
    with pytest.raises(DecisionRefused, match="d'accord"):
        check_level_decision("acquis", scale_codes=codes, disputed=False)
    with pytest.raises(DecisionRefused, match="échelle"):
        check_level_decision("excellent", scale_codes=codes, disputed=True)
    check_level_decision("acquis", scale_codes=codes, disputed=True)


def test_the_deliberation_is_dated_between_the_computation_and_today():
    from datetime import date

    from workflows.deliberation import check_held_on

    today = date(2026, 12, 3)
    check_held_on(today, today=today, computed_on=date(2026, 12, 1))
    with pytest.raises(DecisionRefused, match="futur"):
        check_held_on(date(2026, 12, 4), today=today, computed_on=None)
    with pytest.raises(DecisionRefused, match="précéder"):
        check_held_on(date(2026, 11, 30), today=today, computed_on=date(2026, 12, 1))
