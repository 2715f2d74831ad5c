"""Unit tests of assess.results.permissions: can_compute, can_publish, can_view_job."""

from __future__ import annotations

import pytest

from assess.jobs.models import Job
from assess.results.permissions import can_compute, can_publish, can_view_job
from tests.factories import ACTORS as USERS
from tests.factories import ADMINS_OF_THE_SESSION as WHO


@pytest.fixture
def w(world):
    return world(candidates=1, jurors=1)


def make_job(db, session_id):
    job = Job(kind="compute_results", session_id=session_id)
    db.session.add(job)
    db.session.commit()
    return job


# Who: the session lifecycle (workflows.session.SESSION) decides when compute and publish
# are possible; the permissions below only say who may ask.
@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_compute(w, who, expected):
    assert can_compute(USERS[who](w), w.session) is expected


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_publish(w, who, expected):
    assert can_publish(USERS[who](w), w.session) is expected


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_view_job_of_a_session(db, w, who, expected):
    job = make_job(db, w.session.id)
    assert can_view_job(USERS[who](w), job) is expected


def test_a_job_without_session_is_seen_by_nobody(db, w):
    job = make_job(db, None)
    assert [can_view_job(w.admin, job), can_view_job(w.centre_admin, job)] == [False, False]
