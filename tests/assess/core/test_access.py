"""Unit tests of assess.core.access.can_manage_centre on real user rows."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from assess.core.access import can_manage_centre

USERS = {
    "anonymous": lambda w: AnonymousUserMixin(),
    "certifier_admin": lambda w: w.admin,
    "centre_admin": lambda w: w.centre_admin,
    "other_centre_admin": lambda w: w.other_centre_admin,
    "juror": lambda w: w.jurors[0],
    "candidate": lambda w: w.candidates[0],  # has centre_id == w.centre.id, yet no admin
}


@pytest.mark.parametrize(("who", "centre", "expected"), [
    ("anonymous", "centre", False),
    ("certifier_admin", "centre", True),
    ("certifier_admin", "other_centre", True),
    ("centre_admin", "centre", True),
    ("centre_admin", "other_centre", False),
    ("other_centre_admin", "centre", False),
    ("other_centre_admin", "other_centre", True),
    ("juror", "centre", False),
    ("candidate", "centre", False),
])
def test_can_manage_centre(world, who, centre, expected):
    w = world(candidates=1, jurors=1)
    assert can_manage_centre(USERS[who](w), getattr(w, centre).id) is expected
