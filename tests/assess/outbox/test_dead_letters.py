"""Dead letters: a row whose budget (OUTBOX_MAX_ATTEMPTS) is spent is set aside, left
alone by the sweep and the relay, until an admin retries it; the sweep's logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from assess.core.columns import utcnow
from assess.notifications import mail
from assess.notifications.models import Notification, NotificationStatus
from assess.notifications.operations import notify
from assess.outbox import relay
from assess.outbox.handlers import HANDLERS, TransientError
from assess.outbox.models import OutboxMessage
from assess.outbox.operations import enqueue, retry_dead
from assess.outbox.tasks import SWEEP_TASK

TASK = "test.flaky"


@pytest.fixture
def app_config():
    return {"OUTBOX_MAX_ATTEMPTS": 3}


@pytest.fixture
def flaky(monkeypatch):
    state = {"fail": True, "calls": 0}

    def handle(payload):
        state["calls"] += 1
        if state["fail"]:
            raise TransientError("server says later")

    monkeypatch.setitem(HANDLERS, TASK, handle)
    return state


def row(db, outbox_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, outbox_id)


def backdate(db, outbox_id, **values):
    old = utcnow() - timedelta(hours=1)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                       .values(created_at=old, dispatched_at=old, **values))
    db.session.commit()


def sweep(app):
    return app.extensions["celery"].tasks[SWEEP_TASK].apply().get()


def test_the_last_attempt_makes_a_dead_letter_left_alone(app, db, flaky):
    message = enqueue(TASK, {}, key="k")
    with pytest.raises(TransientError):
        relay.commit()
    dead = row(db, message.id)
    assert dead.attempts == 3 and dead.dead_at is not None and dead.done_at is None
    assert dead.last_error == "TransientError: server says later"
    assert flaky["calls"] == 3

    backdate(db, message.id)
    assert relay.stale_ids(60) == [] and sweep(app) == 0
    relay.publish([message.id])  # a late publish of a dead row: nothing runs
    assert flaky["calls"] == 3 and row(db, message.id).attempts == 3


def test_a_retry_gives_a_fresh_budget(app, db, flaky):
    message = enqueue(TASK, {}, key="k")
    with pytest.raises(TransientError):
        relay.commit()
    flaky["fail"] = False
    previous = retry_dead(row(db, message.id))
    relay.commit()
    assert previous["attempts"] == 3 and previous["error"] == "TransientError: server says later"
    done = row(db, message.id)
    assert done.done_at is not None and done.dead_at is None and done.attempts == 1


def test_a_row_whose_worker_died_on_its_last_attempt_becomes_dead(app, db, flaky, caplog):
    """No failure was recorded (the worker was killed): the sweep sets it aside, and a
    redelivery of its message finds nothing to run."""
    message = enqueue(TASK, {}, key="k")
    db.session.commit()
    db.session.info.pop("outbox_pending", None)
    backdate(db, message.id, attempts=3, leased_until=utcnow() - timedelta(seconds=1))
    with caplog.at_level(logging.ERROR, "assess.outbox"):
        assert sweep(app) == 0
    dead = row(db, message.id)
    assert dead.dead_at is not None and dead.last_error == "worker lost during the last attempt"
    assert "dead letter" in caplog.text
    relay.publish([message.id])
    assert flaky["calls"] == 0


def test_a_redelivery_past_the_budget_makes_it_dead(app, db, flaky):
    message = enqueue(TASK, {}, key="k")
    db.session.commit()
    db.session.info.pop("outbox_pending", None)
    backdate(db, message.id, attempts=3)
    deliver = app.extensions["celery"].tasks[relay.DELIVER_TASK]
    assert deliver.apply(args=[message.id]).get() == "done or missing"
    assert row(db, message.id).dead_at is not None and flaky["calls"] == 0


def test_a_dead_email_shows_as_failed_then_pending_when_retried(app, db, make_user,
                                                               monkeypatch, mail_outbox):
    recipient = make_user("candidate")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr(mail, "send", refuse)
    n = notify("results.published", recipient, "session:1", "Sujet", "Corps")
    with pytest.raises(TransientError):
        relay.commit()
    db.session.expire_all()
    assert db.session.get(Notification, n.id).status == NotificationStatus.FAILED

    monkeypatch.undo()
    message = db.session.query(OutboxMessage).one()
    retry_dead(message)
    assert db.session.get(Notification, n.id).status == NotificationStatus.PENDING
    relay.commit()
    db.session.expire_all()
    assert db.session.get(Notification, n.id).status == NotificationStatus.SENT
    assert len(mail_outbox) == 1


def test_a_routine_sweep_logs_at_debug_only(app, db, caplog):
    with caplog.at_level(logging.DEBUG, "assess.outbox"):
        assert sweep(app) == 0
    records = [r for r in caplog.records if r.name.startswith("assess.outbox")]
    assert records and all(r.levelno == logging.DEBUG for r in records)


def test_a_sent_email_is_one_info_line(app, db, make_user, mail_outbox, caplog):
    recipient = make_user("candidate", email="camille@example.test")
    notify("results.published", recipient, "session:1", "Sujet", "Corps")
    with caplog.at_level(logging.INFO, "assess"):
        relay.commit()
    lines = [r.getMessage() for r in caplog.records
             if r.name.startswith("assess") and r.levelno >= logging.INFO]
    assert lines == ["e-mail sent: results.published to camille@example.test"]
