"""Unit tests of assess.submissions.permissions: can_download and can_upload."""

from __future__ import annotations

import hashlib

import pytest
from flask_login import AnonymousUserMixin

from assess.submissions.models import StoredFile, Submission
from assess.submissions.permissions import can_download, can_upload
from tests.factories import assign, create_session, create_user, enrol

USERS = {
    "none": lambda w: None,
    "anonymous": lambda w: AnonymousUserMixin(),
    "owner": lambda w: w.candidates[0],
    "other_candidate": lambda w: w.candidates[1],
    "assigned_juror": lambda w: w.jurors[0],
    "juror_assigned_elsewhere": lambda w: w.jurors[1],
    "unassigned_juror": lambda w: w.jurors[2],
    "certifier_admin": lambda w: w.admin,
    "centre_admin": lambda w: w.centre_admin,
    "other_centre_admin": lambda w: w.other_centre_admin,
}


@pytest.fixture
def w(db, world):
    """jurors[0] grades candidate 0's bloc 1; jurors[1] their bloc 2 and candidate 1's bloc 1."""
    w = world(candidates=2, jurors=3, assign_all=False)
    first, second = w.session.exams[0], w.session.exams[1]
    assign(w.jurors[0], w.enrolments[0], first)
    assign(w.jurors[1], w.enrolments[0], second)
    assign(w.jurors[1], w.enrolments[1], first)
    db.session.commit()
    return w


def stored_file(db, uploader, submission=None):
    data = f"file of {uploader.id}".encode()
    stored = StoredFile(submission_id=submission.id if submission else None,
                        original_name="memoire.pdf", content_type="application/pdf",
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        storage_key=f"test/{uploader.id}", uploaded_by_id=uploader.id)
    db.session.add(stored)
    db.session.commit()
    return stored


@pytest.fixture
def deposit(db, w):
    """Candidate 0's file for bloc 1."""
    submission = Submission(enrolment_id=w.enrolments[0].id, exam_id=w.session.exams[0].id)
    db.session.add(submission)
    db.session.flush()
    return stored_file(db, w.candidates[0], submission)


@pytest.mark.parametrize(("who", "expected"), [
    ("none", False), ("anonymous", False),
    ("owner", True), ("other_candidate", False),
    ("assigned_juror", True), ("juror_assigned_elsewhere", False), ("unassigned_juror", False),
    ("certifier_admin", True), ("centre_admin", True), ("other_centre_admin", False),
])
def test_can_download_a_submitted_file(w, deposit, who, expected):
    assert can_download(USERS[who](w), deposit) is expected


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", False), ("owner", True),  # the uploader
    ("other_candidate", False), ("assigned_juror", False),
    ("certifier_admin", True), ("centre_admin", False),
])
def test_can_download_a_file_outside_any_submission(db, w, who, expected):
    loose = stored_file(db, w.candidates[0])
    assert can_download(USERS[who](w), loose) is expected


@pytest.mark.parametrize(("who", "expected"), [
    ("none", False), ("anonymous", False),
    ("owner", True), ("other_candidate", False),
    ("assigned_juror", False), ("certifier_admin", False), ("centre_admin", False),
])
def test_can_upload(w, who, expected):
    assert can_upload(USERS[who](w), w.enrolments[0], w.session.exams[0]) is expected


def test_can_upload_only_for_an_exam_of_the_enrolment_session(db, w, referential_version):
    other_session = create_session(referential_version, w.centre)
    db.session.commit()
    assert can_upload(w.candidates[0], w.enrolments[0], other_session.exams[0]) is False


@pytest.mark.parametrize(("exam_index", "expected"), [(0, True), (1, False), (2, False)])
def test_can_upload_only_for_the_blocs_the_candidate_sits(db, w, exam_index, expected):
    session = w.session
    candidate = create_user("candidate", centre=w.centre)
    enrolment = enrol(session, candidate, blocks=[session.exams[0].block])
    db.session.commit()
    assert can_upload(candidate, enrolment, session.exams[exam_index]) is expected
