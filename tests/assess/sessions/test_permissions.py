"""Unit tests of assess.sessions.permissions: view, manage and create sessions."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from assess.core.columns import utcnow
from assess.sessions.permissions import can_create_session, can_manage_session, can_view_session
from workflows.session import SessionStatus

USERS = {
    "anonymous": lambda w: AnonymousUserMixin(),
    "certifier_admin": lambda w: w.admin,
    "centre_admin": lambda w: w.centre_admin,
    "other_centre_admin": lambda w: w.other_centre_admin,
    "assigned_juror": lambda w: w.jurors[0],
    "enrolled_candidate": lambda w: w.candidates[0],
}
WHO = [("anonymous", False), ("certifier_admin", True), ("centre_admin", True),
       ("other_centre_admin", False), ("assigned_juror", False), ("enrolled_candidate", False)]


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
