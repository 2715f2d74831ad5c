"""The e-mails of the allocation: one per juror per batch of assignments, and one reminder
per juror and épreuve before the grading deadline (found in one statement)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.allocation.queries import reminders_due
from assess.allocation.tasks import REMINDER_TASK, queue_grading_reminders
from assess.core.columns import utcnow
from assess.grading.models import SheetStatus
from assess.juries.messages import notify_batch
from assess.notifications.models import Notification
from assess.sessions.models import SessionStatus
from tests.assess.allocation.helpers import allocation_world, written
from tests.factories import assign, move_to


def notes(db, event):
    return list(db.session.scalars(select(Notification).where(Notification.event == event)
                                   .order_by(Notification.id)))


def test_a_batch_is_one_email_per_juror_whatever_its_size(world, db):
    w = allocation_world(world, candidates=3, jurors=2)
    b1, b2 = written(w.session)
    made = [assign(w.jurors[0], e, x) for e in w.enrolments for x in (b1, b2)]
    made.append(assign(w.jurors[1], w.enrolments[0], b1))
    assert notify_batch(made, "manual-1") == 2
    db.session.commit()
    first, second = notes(db, "assignments")
    assert first.recipient_id == w.jurors[0].id
    assert first.subject == "6 nouvelles copies à évaluer"
    assert "bloc 1 : 3 candidats" in first.body and "bloc 2 : 3 candidats" in first.body
    assert second.subject == "1 nouvelle copie à évaluer"
    assert "bloc 1 : 1 candidat" in second.body
    # The same batch again (a retry) sends nothing more; a new batch does.
    notify_batch(made, "manual-1")
    notify_batch(made[:1], None)
    db.session.commit()
    assert len(notes(db, "assignments")) == 3


def test_a_batch_is_written_in_the_jurors_language(world, db):
    w = allocation_world(world, candidates=1, jurors=1)
    w.jurors[0].locale = "en"
    db.session.commit()
    notify_batch([assign(w.jurors[0], w.enrolments[0], written(w.session)[0])], "x")
    db.session.commit()
    [note] = notes(db, "assignments")
    # Built under the juror's locale (the English words come with the catalogue).
    assert note.recipient_email == w.jurors[0].email and note.subject


@pytest.fixture
def due_soon(world, db):
    """Juror 0: two sheets of bloc 1 not submitted (one draft); juror 1: one submitted;
    juror 2: taken off their sheet. Bloc 1's sheets are due in 24 hours."""
    w = allocation_world(world, candidates=2, jurors=3)
    exam = written(w.session)[0]
    exam.grading_due_at = utcnow() + timedelta(hours=24)
    a = [assign(w.jurors[0], e, exam) for e in w.enrolments]
    done = assign(w.jurors[1], w.enrolments[0], exam)
    gone = assign(w.jurors[2], w.enrolments[1], exam)
    gone.withdrawn_at = utcnow()
    db.session.commit()
    return w, exam, a, done


def test_the_reminder_goes_once_to_each_juror_with_unsubmitted_sheets(due_soon, db,
                                                                      submit_sheet):
    w, exam, mine, done = due_soon
    submit_sheet(mine[0], status=SheetStatus.DRAFT)
    submit_sheet(done)
    assert queue_grading_reminders() == 1
    db.session.commit()
    [note] = notes(db, "grading_reminder")
    assert note.recipient_id == w.jurors[0].id
    assert note.key == f"grading_reminder:{w.jurors[0].id}:exam:{exam.id}"
    assert "2 grilles ne sont pas encore soumises" in note.body
    assert "/jury/" in note.body and w.session.name in note.body
    # An hour later: once only.
    queue_grading_reminders(utcnow() + timedelta(hours=1))
    db.session.commit()
    assert len(notes(db, "grading_reminder")) == 1


@pytest.mark.parametrize("hours", [72, -1])
def test_no_reminder_far_from_the_deadline_or_after_it(due_soon, db, hours):
    w, exam, _mine, _done = due_soon
    exam.grading_due_at = utcnow() + timedelta(hours=hours)
    db.session.commit()
    assert queue_grading_reminders() == 0
    db.session.commit()
    assert notes(db, "grading_reminder") == []


def test_the_window_is_a_setting(due_soon, db, app):
    _w, exam, _mine, _done = due_soon
    exam.grading_due_at = utcnow() + timedelta(hours=72)
    db.session.commit()
    app.config["GRADING_REMINDER_HOURS"] = 96
    assert queue_grading_reminders() == 2  # juror 0's two sheets, juror 1's one


def test_no_reminder_once_grading_is_over(due_soon, db):
    w, _exam, _mine, _done = due_soon
    move_to(w.session, SessionStatus.DELIBERATION)
    db.session.commit()
    assert queue_grading_reminders() == 0


def test_the_reminders_are_found_in_one_statement(world, db, count_queries):
    for _ in range(2):
        w = allocation_world(world, candidates=4, jurors=3)
        for exam in written(w.session):
            exam.grading_due_at = utcnow() + timedelta(hours=10)
            for e in w.enrolments:
                for juror in w.jurors:
                    assign(juror, e, exam)
    db.session.commit()
    with count_queries() as statements:
        due = reminders_due(utcnow(), 48, [SessionStatus.EXAMS, SessionStatus.GRADING])
    assert len(statements) == 1
    assert len(due) == 2 * 2 * 3 and {r.unsubmitted for r in due} == {4}


def test_the_worker_runs_the_reminders_on_a_schedule(app, due_soon, db):
    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule["grading-reminders"]
    assert entry["task"] == REMINDER_TASK and REMINDER_TASK in celery.tasks
    assert celery.tasks[REMINDER_TASK].apply().get() == 2
    db.session.expire_all()
    reminded = {n.recipient_id for n in notes(db, "grading_reminder")}
    assert reminded == {due_soon[0].jurors[0].id, due_soon[0].jurors[1].id}
