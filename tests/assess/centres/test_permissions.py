"""Unit tests of assess.centres.permissions: can_manage_centres and can_reinvite."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from assess.centres.permissions import can_manage_centres, can_reinvite
from tests.factories import create_user

USERS = {
    "anonymous": lambda w: AnonymousUserMixin(),
    "certifier_admin": lambda w: w.admin,
    "centre_admin": lambda w: w.centre_admin,
    "juror": lambda w: w.jurors[0],
    "candidate": lambda w: w.candidates[0],
}


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", False),
    ("certifier_admin", True),
    ("centre_admin", False),
    ("juror", False),
    ("candidate", False),
])
def test_can_manage_centres(w, who, expected):
    assert can_manage_centres(USERS[who](w)) is expected


def test_can_manage_centres_refuses_none():
    assert can_manage_centres(None) is False


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", False),
    ("certifier_admin", True),
    ("centre_admin", False),  # even the pending admin's own centre admin
    ("juror", False),
    ("candidate", False),
])
def test_can_reinvite_a_pending_centre_admin(w, pending_admin, who, expected):
    assert can_reinvite(USERS[who](w), pending_admin) is expected


def _pending(w, kind):
    if kind == "pending_admin_of_other_centre":
        return create_user("centre_admin", centre=w.other_centre, password=None)
    if kind == "admin_with_password":
        return w.centre_admin
    if kind == "deactivated_pending_admin":
        return create_user("centre_admin", centre=w.centre, password=None, active=False)
    if kind == "pending_juror":
        return create_user("juror", password=None)
    if kind == "pending_candidate":
        return create_user("candidate", centre=w.centre, password=None)
    if kind == "pending_certifier_admin":
        return create_user("certifier_admin", password=None)
    raise AssertionError(kind)


@pytest.mark.parametrize(("target", "expected"), [
    ("pending_admin_of_other_centre", True),  # the certifier manages every centre
    ("admin_with_password", False),
    ("deactivated_pending_admin", False),
    ("pending_juror", False),
    ("pending_candidate", False),
    ("pending_certifier_admin", False),
])
def test_can_reinvite_depends_on_the_target_account(db, w, target, expected):
    admin = _pending(w, target)
    db.session.commit()
    assert can_reinvite(w.admin, admin) is expected
