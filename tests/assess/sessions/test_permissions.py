"""Unit tests of assess.sessions.permissions: view, change, run and create sessions."""

from __future__ import annotations

import pytest

from assess.sessions.permissions import (
    can_change_session,
    can_create_session,
    can_run_session,
    can_view_session,
)
from tests.factories import ACTORS as USERS
from tests.factories import ADMINS_OF_THE_SESSION as WHO
from tests.factories import move_to
from workflows.session import ALLOWS, SessionStatus


@pytest.fixture
def w(world):
    return world(candidates=1, jurors=1)


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_view_session(w, who, expected):
    assert can_view_session(USERS[who](w), w.session) is expected


@pytest.mark.parametrize("who", ["certifier_admin", "centre_admin"])
def test_a_closed_session_stays_visible(db, w, who):
    move_to(w.session, SessionStatus.CLOSED)
    assert can_view_session(USERS[who](w), w.session) is True


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_run_session(w, who, expected):
    assert can_run_session(USERS[who](w), w.session) is expected


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_can_change_a_session_under_way(w, who, expected):
    assert can_change_session(USERS[who](w), w.session, "enrol") is expected


@pytest.mark.parametrize("status", list(SessionStatus))
@pytest.mark.parametrize("what", sorted(ALLOWS))
def test_can_change_session_as_its_state_allows(db, w, status, what):
    move_to(w.session, status)
    expected = status in ALLOWS[what]
    for who in ("certifier_admin", "centre_admin"):
        assert can_change_session(USERS[who](w), w.session, what) is expected
    assert can_change_session(USERS["other_centre_admin"](w), w.session, what) is False


def test_a_closed_session_allows_nothing(db, w):
    move_to(w.session, SessionStatus.CLOSED)
    assert not any(can_change_session(w.admin, w.session, what) for what in ALLOWS)


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
