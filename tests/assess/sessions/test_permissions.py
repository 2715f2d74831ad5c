"""Unit tests of assess.sessions.permissions: view, manage and create sessions."""

from __future__ import annotations

import pytest

from assess.core.columns import utcnow
from assess.sessions.permissions import can_create_session, can_manage_session, can_view_session
from tests.factories import ACTORS as USERS
from tests.factories import ADMINS_OF_THE_SESSION as WHO
from workflows.session import SessionStatus


@pytest.fixture
def w(world):
    return world(candidates=1, jurors=1)


def set_status(db, session, status):
    session.status = status
    session.results_published_at = utcnow() if status == SessionStatus.RESULTS_PUBLISHED else None
    db.session.commit()


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_view_session(w, who, expected):
    assert can_view_session(USERS[who](w), w.session) is expected


@pytest.mark.parametrize("who", ["certifier_admin", "centre_admin"])
def test_a_published_session_stays_visible(db, w, who):
    set_status(db, w.session, SessionStatus.RESULTS_PUBLISHED)
    assert can_view_session(USERS[who](w), w.session) is True


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_manage_an_open_session(w, who, expected):
    assert can_manage_session(USERS[who](w), w.session) is expected


@pytest.mark.parametrize(("status", "expected"), [
    (SessionStatus.OPEN, True),
    (SessionStatus.RESULTS_COMPUTED, True),
    (SessionStatus.RESULTS_PUBLISHED, False),
])
@pytest.mark.parametrize("who", ["certifier_admin", "centre_admin"])
def test_can_manage_session_only_until_results_are_published(db, w, who, status, expected):
    set_status(db, w.session, status)
    assert can_manage_session(USERS[who](w), w.session) is expected


@pytest.mark.parametrize(("who", "centre", "expected"), [
    ("anonymous", "centre", False),
    ("certifier_admin", "centre", True),
    ("certifier_admin", "other_centre", True),
    ("centre_admin", "centre", True),
    ("centre_admin", "other_centre", False),
    ("other_centre_admin", "centre", False),
    ("assigned_juror", "centre", False),
    ("enrolled_candidate", "centre", False),
])
def test_can_create_session(w, who, centre, expected):
    assert can_create_session(USERS[who](w), getattr(w, centre).id) is expected
