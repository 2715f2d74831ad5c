"""The submission's lifecycle: hand in until the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows import TransitionRefused
from workflows.submission import SUBMISSION, SubmissionContext, effective_deadline, is_late

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


def test_a_case_study_opens_at_its_start():
    opens = SubmissionContext(now=NOW, deadline=NOW + timedelta(hours=4), session_status="exams",
                              opens_at=NOW + timedelta(minutes=5))
    with pytest.raises(TransitionRefused, match="pas encore ouvert"):
        SUBMISSION.check("upload", "none", opens)
    started = SubmissionContext(now=NOW, deadline=NOW + timedelta(hours=4),
                                session_status="exams", opens_at=NOW)
    assert SUBMISSION.check("upload", "none", started) == "submitted"


def test_an_extension_reopens_and_late_work_is_accepted_where_the_session_says():
    past = NOW - timedelta(hours=1)
    extended = SubmissionContext(now=NOW, deadline=past, session_status="exams",
                                 extended_until=NOW + timedelta(days=2))
    assert SUBMISSION.check("upload", "submitted", extended) == "submitted"
    assert not is_late(extended) and effective_deadline(extended) == NOW + timedelta(days=2)
    late = SubmissionContext(now=NOW, deadline=past, session_status="exams", accepts_late=True)
    assert SUBMISSION.check("upload", "submitted", late) == "submitted" and is_late(late)
    with pytest.raises(TransitionRefused, match="demandez un délai"):
        SUBMISSION.check("upload", "submitted", SubmissionContext(
            now=NOW, deadline=past, session_status="exams"))


@given(deadline=st.integers(-10_000, 10_000), extension=st.none() | st.integers(-10_000, 10_000),
       accepts=st.booleans())
def test_an_extension_never_shortens_the_time_left(deadline, extension, accepts):
    base = SubmissionContext(now=NOW, deadline=NOW + timedelta(minutes=deadline),
                             session_status="exams", accepts_late=accepts)
    ext = SubmissionContext(
        now=NOW, deadline=base.deadline, session_status="exams", accepts_late=accepts,
        extended_until=None if extension is None else NOW + timedelta(minutes=extension))
    assert effective_deadline(ext) >= effective_deadline(base)
    assert is_late(ext) <= is_late(base)  # extended, never later than without
    allowed = SUBMISSION.refusal("upload", "submitted", base) is None
    assert allowed <= (SUBMISSION.refusal("upload", "submitted", ext) is None)
