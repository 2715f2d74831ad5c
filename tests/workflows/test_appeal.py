"""The appeal's rules: its lifecycle and who may file when."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.appeal import (
    APPEAL,
    CLOSED,
    FILED,
    REDELIBERATED,
    REJECTED,
    UNDER_REVIEW,
    AppealContext,
    AppealRefused,
    check_filing,
    filing_deadline,
)
from workflows.base import TransitionRefused

PUBLISHED = date(2026, 12, 1)


def test_filed_then_reviewed_then_rejected_or_redeliberated_then_closed():
    assert APPEAL.check("review", FILED, AppealContext()) == UNDER_REVIEW
    assert APPEAL.check("reject", UNDER_REVIEW, AppealContext()) == REJECTED
    assert APPEAL.check("redeliberate", UNDER_REVIEW, AppealContext()) == REDELIBERATED
    done = AppealContext(undecided=0, amendment_sealed=True)
    assert APPEAL.check("close", REDELIBERATED, done) == CLOSED


@pytest.mark.parametrize("facts,words", [({"undecided": 2, "amendment_sealed": True}, "2 bloc"),
                                         ({"amendment_sealed": False}, "avenant")])
def test_a_redeliberation_closes_once_redecided_and_its_amendment_sealed(facts, words):
    with pytest.raises(TransitionRefused, match=words):
        APPEAL.check("close", REDELIBERATED, AppealContext(**facts))


@pytest.mark.parametrize("state", [REJECTED, CLOSED])
def test_an_answered_appeal_is_never_answered_again(state):
    for action in ("reject", "redeliberate", "review"):
        with pytest.raises(TransitionRefused):
            APPEAL.check(action, state, AppealContext())


def test_a_redeliberation_needs_an_appeal_in_progress():
    with pytest.raises(TransitionRefused):
        APPEAL.check("close", FILED, AppealContext(amendment_sealed=True))


def _file(**kw):
    args = {"published_on": PUBLISHED, "today": date(2026, 12, 10), "period_days": 30,
            "already": False, "reason": "Mon dossier n'a pas été lu en entier."}
    return check_filing(**{**args, **kw})


def test_filing_within_the_period_keeps_the_reason():
    assert _file(reason="  Une copie a été perdue.  ") == "Une copie a été perdue."
    assert _file(today=filing_deadline(PUBLISHED, 30))  # the last day still counts


@pytest.mark.parametrize("kw,words", [
    ({"today": date(2027, 1, 1)}, "délai"),
    ({"already": True}, "déjà"),
    ({"published_on": None}, "publié"),
    ({"period_days": None}, "pas ouvert"),
    ({"reason": "non"}, "raison"),
])
def test_filing_is_refused_with_the_reason(kw, words):
    with pytest.raises(AppealRefused, match=words):
        _file(**kw)
