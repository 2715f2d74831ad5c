"""The periodic reminders before a hand-in deadline: computed from the database, once per
candidate, part and threshold, never to those who handed in, are absent or were given more
time; one statement whatever the number of candidates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.attendance.models import Attendance, ExamAttendance
from assess.core.columns import utcnow
from assess.notifications.models import Notification
from assess.sessions.models import ExamPart, PartKind
from assess.submissions.models import DeadlineExtension, Submission, SubmittedLink
from assess.submissions.scheduled_reminders import (
    REMINDER_EVENT,
    queue_deliverable_reminders,
    reminders_due,
)


@pytest.fixture
def w(world, db):
    """Three candidates; only bloc 3's dossier takes hand-ins, due in ten days."""
    w = world(candidates=3, jurors=0, assign_all=False)
    w.deadline = utcnow() + timedelta(days=10)
    for exam in w.session.exams:
        for part in exam.parts:
            part.submission_deadline = (w.deadline if part.kind == PartKind.DOSSIER else None)
    w.dossier = db.session.scalar(select(ExamPart).where(ExamPart.kind == PartKind.DOSSIER))
    db.session.commit()
    return w


def _sent(db):
    db.session.expire_all()
    return sorted((n.recipient_id, n.key.rsplit(":", 1)[-1]) for n in db.session.scalars(
        select(Notification).where(Notification.event == REMINDER_EVENT)))


def _run(db, at):
    count = queue_deliverable_reminders(at)
    db.session.commit()
    return count


def test_j7_then_j1_once_each_to_those_who_have_not_handed_in(w, db):
    handed, absent, idle = w.enrolments
    submission = Submission(enrolment_id=handed.id, exam_id=w.dossier.exam_id)
    db.session.add(submission)
    db.session.flush()
    db.session.add(SubmittedLink(submission_id=submission.id, deliverable="dossier",
                                 url="https://exemple.fr", given_by_id=w.candidates[0].id))
    db.session.add(ExamAttendance(enrolment_id=absent.id, exam_id=w.dossier.exam_id,
                                  status=Attendance.ABSENT, on_date=utcnow().date()))
    db.session.commit()
    idle_user = w.candidates[2].id

    assert _run(db, w.deadline - timedelta(days=8)) == 0  # not yet J-7
    _run(db, w.deadline - timedelta(days=6))
    _run(db, w.deadline - timedelta(days=5))  # the next look: nothing more
    assert _sent(db) == [(idle_user, "J7")]
    _run(db, w.deadline - timedelta(hours=20))
    _run(db, w.deadline - timedelta(hours=2))
    assert _sent(db) == [(idle_user, "J1"), (idle_user, "J7")]
    assert _run(db, w.deadline + timedelta(hours=1)) == 0  # closed: no reminder
    note = db.session.scalar(select(Notification).where(Notification.key.endswith("J1")))
    assert note.subject.startswith("Rappel : Dossier") and "/candidat/" in note.body


def test_a_platform_down_at_j7_sends_only_the_nearest_reminder(w, db):
    _run(db, w.deadline - timedelta(hours=10))  # first look at J-1: the J-1 reminder only
    assert {k for _u, k in _sent(db)} == {"J1"}


def test_an_extension_moves_the_reminders(w, db):
    enrolment = w.enrolments[0]
    db.session.add(DeadlineExtension(enrolment_id=enrolment.id, exam_id=w.dossier.exam_id,
                                     until=w.deadline + timedelta(days=20), reason="Aménagement",
                                     granted_by_id=w.centre_admin.id))
    db.session.commit()
    _run(db, w.deadline - timedelta(days=6))
    assert w.candidates[0].id not in {u for u, _k in _sent(db)}
    assert len(_sent(db)) == 2


def test_the_reminders_are_found_in_one_statement(world, db, count_queries):
    for n in (2, 12):
        w = world(candidates=n, jurors=0, assign_all=False)
        at = utcnow() + timedelta(days=1)  # every part is due in 7 days (factories)
        with count_queries() as statements:
            due = reminders_due(at, [7, 1])
        assert len(statements) == 1
        assert {c.id for c in w.candidates} <= {d.user_id for d, _days in due}
