"""The grading sheet's lifecycle."""

from __future__ import annotations

import pytest

from workflows import TransitionRefused
from workflows.grading import GRADING_SHEET, GradingContext


def ctx(missing=(), status="grading") -> GradingContext:
    return GradingContext(missing_levels=tuple(missing), session_status=status)


def test_submit_requires_every_level_and_locks():
    with pytest.raises(TransitionRefused, match="CR1.2"):
        GRADING_SHEET.check("submit", "draft", ctx(missing=["CR1.2"]))
    assert GRADING_SHEET.check("submit", "draft", ctx()) == "submitted"
    for action in ("save", "submit"):
        with pytest.raises(TransitionRefused):
            GRADING_SHEET.check(action, "submitted", ctx())


def test_a_draft_may_be_saved_with_levels_missing():
    assert GRADING_SHEET.check("save", "draft", ctx(missing=["CR1.1", "CR1.2"])) == "draft"


@pytest.mark.parametrize(("status", "words"), [("deliberation", "délibération"),
                                               ("published", "publiés"), ("closed", "close"),
                                               ("draft", "préparation")])
def test_nothing_changes_unless_the_session_is_being_graded(status, words):
    for action in ("save", "submit"):
        with pytest.raises(TransitionRefused, match=words):
            GRADING_SHEET.check(action, "draft", ctx(status=status))
    assert GRADING_SHEET.allowed_actions("draft", ctx(status=status)) == []
    assert GRADING_SHEET.allowed_actions("draft", ctx(status="exams")) == ["save", "submit"]
