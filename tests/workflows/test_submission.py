"""The submission's lifecycle: hand in until the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from workflows import TransitionRefused
from workflows.submission import SUBMISSION, SubmissionContext

NOW = datetime(2026, 11, 23, 10, 0)


def ctx(deadline, status="exams") -> SubmissionContext:
    return SubmissionContext(now=NOW, deadline=deadline, session_status=status)


def test_upload_until_the_deadline():
    before = ctx(NOW + timedelta(minutes=1))
    assert SUBMISSION.check("upload", "none", before) == "submitted"
    assert SUBMISSION.check("upload", "submitted", before) == "submitted"
    with pytest.raises(TransitionRefused, match="date limite"):
        SUBMISSION.check("upload", "submitted", ctx(NOW - timedelta(seconds=1)))
    with pytest.raises(TransitionRefused, match="Aucune date limite"):
        SUBMISSION.check("upload", "none", ctx(None))
    with pytest.raises(TransitionRefused):
        SUBMISSION.check("upload", "locked", before)


@pytest.mark.parametrize(("status", "words"), [("grading", "correction"),
                                               ("published", "publiés"), ("draft", "préparation")])
def test_no_upload_unless_the_session_takes_hand_ins(status, words):
    with pytest.raises(TransitionRefused, match=words):
        SUBMISSION.check("upload", "submitted", ctx(NOW + timedelta(days=1), status=status))
