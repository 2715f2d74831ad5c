"""Fixtures of the conflict-of-interest tests: a session with named candidates, jurors of
its pool, and assignments."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from assess.juries.models import Assignment, ConflictOfInterest
from assess.notifications.models import Notification
from tests.factories import World, assign

NAMES = [("Alice", "Dupont"), ("Bob", "Durand"), ("Chloé", "Martin")]


@dataclass
class Setup:
    w: World
    a1: Assignment  # jurors[0] grades candidate 0's bloc 1…
    a2: Assignment  # …and bloc 2
    b1: Assignment  # jurors[1] grades candidate 0's bloc 1 too


@pytest.fixture
def s(world, db) -> Setup:
    w = world(candidates=3, jurors=3, assign_all=False)
    for user, (first, last) in zip(w.candidates, NAMES, strict=True):
        user.first_name, user.last_name = first, last
    a1 = assign(w.jurors[0], w.enrolments[0], w.session.exams[0])
    a2 = assign(w.jurors[0], w.enrolments[0], w.session.exams[1])
    b1 = assign(w.jurors[1], w.enrolments[0], w.session.exams[0])
    db.session.commit()
    return Setup(w, a1, a2, b1)


@pytest.fixture
def links(db):
    def read() -> list[ConflictOfInterest]:
        db.session.expire_all()
        return list(db.session.scalars(select(ConflictOfInterest).order_by(
            ConflictOfInterest.id)))

    return read


@pytest.fixture
def notifications(db):
    def read(event: str | None = None) -> list[Notification]:
        db.session.expire_all()
        query = select(Notification).order_by(Notification.id)
        if event:
            query = query.where(Notification.event == event)
        return list(db.session.scalars(query))

    return read


@pytest.fixture
def add_link(db):
    """A link written directly (not through the operation)."""
    from assess.juries.models import LinkKind

    def make(juror, enrolment, kind=LinkKind.TRAINER, detail="", by=None):
        row = ConflictOfInterest(juror_id=juror.id, enrolment_id=enrolment.id, kind=kind,
                                 detail=detail, declared_by_id=(by or juror).id)
        db.session.add(row)
        db.session.commit()
        return row

    return make
