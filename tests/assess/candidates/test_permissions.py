"""Unit tests of assess.candidates.permissions: can_manage_candidate, can_view_enrolment."""

from __future__ import annotations

import pytest

from assess.candidates.permissions import can_manage_candidate, can_view_enrolment
from tests.factories import ACTORS as USERS
from tests.factories import create_session, create_user, enrol


@pytest.fixture
def w(world):
    return world(candidates=1, jurors=1)


@pytest.mark.parametrize(("who", "centre", "expected"), [
    ("anonymous", "centre", False),
    ("certifier_admin", "centre", True),
    ("certifier_admin", "other_centre", True),
    ("centre_admin", "centre", True),
    ("centre_admin", "other_centre", False),
    ("other_centre_admin", "centre", False),
    ("assigned_juror", "centre", False),
    ("enrolled_candidate", "centre", False),  # a candidate of the centre, not its admin
])
def test_can_manage_candidate(w, who, centre, expected):
    assert can_manage_candidate(USERS[who](w), getattr(w, centre).id) is expected


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", False),
    ("certifier_admin", True),
    ("centre_admin", True),
    ("other_centre_admin", False),
    ("assigned_juror", False),
    ("enrolled_candidate", False),  # candidates see their enrolments in their own space
])
def test_can_view_enrolment(w, who, expected):
    assert can_view_enrolment(USERS[who](w), w.enrolments[0]) is expected


@pytest.mark.parametrize(("who", "expected"), [
    ("certifier_admin", True),
    ("centre_admin", False),
    ("other_centre_admin", True),
])
def test_can_view_enrolment_follows_the_centre_of_the_session(db, w, referential_version,
                                                              who, expected):
    session = create_session(referential_version, w.other_centre)
    enrolment = enrol(session, create_user("candidate", centre=w.other_centre))
    db.session.commit()
    assert can_view_enrolment(USERS[who](w), enrolment) is expected
