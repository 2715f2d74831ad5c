"""Fixtures of the training-centre tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def w(world):
    """A centre with one session, its admin, a juror, a candidate; and another centre."""
    return world(candidates=1, jurors=1)



@pytest.fixture
def pending_admin(db, w):
    """An admin of the world's centre who was invited but has not set a password yet."""
    from tests.factories import create_user

    user = create_user("centre_admin", centre=w.centre, password=None,
                       email="pending.admin@example.org", first_name="Paul",
                       last_name="Attente")
    db.session.commit()
    return user
