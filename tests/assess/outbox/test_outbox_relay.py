"""The transactional outbox: enqueue, publish after commit, sweep, retries, idempotency."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from kombu.exceptions import OperationalError
from sqlalchemy import func, select, update

from assess.core.columns import utcnow
from assess.outbox import relay
from assess.outbox.handlers import HANDLERS, TransientError
from assess.outbox.models import OutboxMessage
from assess.outbox.operations import enqueue
from assess.outbox.tasks import SWEEP_TASK, deliver_outbox

TASK = "test.record"


@pytest.fixture
def calls(monkeypatch):
    """A handler that records its payloads; a test may make it fail first."""
    seen: list[dict] = []
    failures: list[Exception] = []

    def record(payload: dict) -> None:
        if failures:
            raise failures.pop(0)
        seen.append(payload)

    monkeypatch.setitem(HANDLERS, TASK, record)
    record.seen, record.failures = seen, failures
    return record


@pytest.fixture
def broker(app, monkeypatch):
    """A non-eager Celery whose send_task records calls, or raises while ``down``."""
    celery = app.extensions["celery"]
    state = SimpleNamespace(sent=[], down=False)

    def send_task(name, args=None, **kwargs):
        if state.down:
            raise OperationalError("[Errno 111] Connection refused")
        state.sent.append((name, args))

    monkeypatch.setitem(celery.conf, "task_always_eager", False)
    monkeypatch.setattr(celery, "send_task", send_task)
    return state


def row(db, outbox_id: int) -> OutboxMessage:
    db.session.expire_all()  # delivery ran in its own session
    return db.session.get(OutboxMessage, outbox_id)


def backdate(db, outbox_id: int, seconds: int = 3600) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                       .values(created_at=utcnow() - timedelta(seconds=seconds)))
    db.session.commit()


def test_enqueue_twice_with_the_same_key_keeps_one_row(db):
    first = enqueue(TASK, {"n": 1}, key="k-1")
    second = enqueue(TASK, {"n": 2}, key="k-1")
    db.session.commit()
    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert first.payload == {"n": 1}


def test_commit_publishes_the_rows_of_the_transaction(db, broker):
    message = enqueue(TASK, {"n": 1}, key="k-1")
    relay.commit()
    assert broker.sent == [(relay.DELIVER_TASK, [message.id])]
    assert row(db, message.id).dispatched_at is not None


def test_commit_without_outbox_rows_publishes_nothing(db, broker, make_user):
    make_user("candidate")
    relay.commit()
    assert broker.sent == []


def test_a_rolled_back_row_is_not_published(db, broker):
    enqueue(TASK, {"n": 1}, key="k-1")
    db.session.rollback()
    relay.commit()
    assert broker.sent == []


def test_eager_commit_runs_the_handler_once(db, calls):
    message = enqueue(TASK, {"n": 1}, key="k-1")
    relay.commit()
    assert calls.seen == [{"n": 1, "outbox_id": message.id, "attempt": 1}]
    done = row(db, message.id)
    assert done.done_at is not None and done.attempts == 1 and done.last_error is None


def test_broker_down_leaves_rows_for_the_sweep(app, db, broker, calls):
    first = enqueue(TASK, {"n": 1}, key="k-1")
    second = enqueue(TASK, {"n": 2}, key="k-2")
    broker.down = True
    relay.commit()  # the request still succeeds
    for outbox_id in (first.id, second.id):
        assert row(db, outbox_id).dispatched_at is None
        backdate(db, outbox_id)
    assert relay.stale_ids(60) == [first.id, second.id]

    broker.down = False
    swept = app.extensions["celery"].tasks[SWEEP_TASK].apply().get()
    assert swept == 2
    assert broker.sent == [(relay.DELIVER_TASK, [first.id]), (relay.DELIVER_TASK, [second.id])]
    assert all(row(db, i).dispatched_at is not None for i in (first.id, second.id))
    assert relay.stale_ids(60) == []


def test_sweep_delivers_in_eager_mode(app, db, broker, calls):
    message = enqueue(TASK, {"n": 1}, key="k-1")
    broker.down = True
    relay.commit()
    backdate(db, message.id)
    app.extensions["celery"].conf.task_always_eager = True
    app.extensions["celery"].tasks[SWEEP_TASK].apply()
    assert calls.seen == [{"n": 1, "outbox_id": message.id, "attempt": 1}]
    assert row(db, message.id).done_at is not None


def test_stale_ids_selects_rows_stuck_long_enough(app, db):
    now, old = utcnow(), utcnow() - timedelta(hours=1)
    rows = {
        "never dispatched": OutboxMessage(task=TASK, key="a", created_at=old),
        "dispatched long ago": OutboxMessage(task=TASK, key="b", created_at=old,
                                             dispatched_at=old),
        "dispatched now": OutboxMessage(task=TASK, key="c", created_at=old, dispatched_at=now),
        "retry due later": OutboxMessage(task=TASK, key="d", created_at=old, dispatched_at=old,
                                         leased_until=now + timedelta(minutes=5)),
        "lease lapsed": OutboxMessage(task=TASK, key="h", created_at=old, dispatched_at=old,
                                      leased_until=now - timedelta(seconds=1)),
        "done": OutboxMessage(task=TASK, key="e", created_at=old, done_at=now),
        "just created": OutboxMessage(task=TASK, key="f", created_at=now),
        "given up": OutboxMessage(task=TASK, key="g", created_at=old, dead_at=old,
                                  attempts=app.config["OUTBOX_MAX_ATTEMPTS"]),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    assert relay.stale_ids(60) == [rows["never dispatched"].id, rows["dispatched long ago"].id,
                                   rows["lease lapsed"].id]


def test_transient_error_is_retried_and_recorded(db, calls):
    calls.failures.append(TransientError("smtp down"))
    message = enqueue(TASK, {"n": 1}, key="k-1")
    relay.commit()
    done = row(db, message.id)
    assert calls.seen == [{"n": 1, "outbox_id": message.id, "attempt": 2}]  # the retry
    assert done.done_at is not None
    assert done.attempts == 2
    assert done.last_error == "TransientError: smtp down"  # kept: it says what happened


def test_transient_error_every_time_gives_up_after_max_attempts(app, db, calls):
    budget = app.config["OUTBOX_MAX_ATTEMPTS"]
    calls.failures.extend(TransientError(f"down {i}") for i in range(budget + 1))
    message = enqueue(TASK, {"n": 1}, key="k-1")
    with pytest.raises(TransientError):  # eager mode in tests propagates the failure
        relay.commit()
    stuck = row(db, message.id)
    assert stuck.done_at is None and stuck.dead_at is not None  # a dead letter
    assert stuck.attempts == budget
    assert stuck.last_error == f"TransientError: down {budget - 1}"


def test_worker_schedules_retry_with_backoff(app, db, calls):
    """Outside eager mode, the task retries later and the sweep leaves it alone meanwhile."""
    calls.failures.append(TransientError("smtp down"))
    message = enqueue(TASK, {"n": 1}, key="k-1")
    db.session.commit()

    class Retry(Exception):
        pass

    scheduled = {}

    def retry(exc, countdown):
        scheduled.update(exc=exc, countdown=countdown)
        return Retry()

    task = SimpleNamespace(request=SimpleNamespace(retries=2, is_eager=False),
                           max_retries=None, retry=retry, retry_backoff=10,
                           retry_backoff_max=600, retry_jitter=True)
    with pytest.raises(Retry):
        deliver_outbox(task, message.id)
    assert 20 <= scheduled["countdown"] <= 40  # 10 × 2², with jitter in its upper half
    assert isinstance(scheduled["exc"], TransientError)
    stuck = row(db, message.id)
    assert stuck.last_error == "TransientError: smtp down"
    assert stuck.leased_until > utcnow() + timedelta(seconds=40)  # the retry's due time, and more
    backdate(db, message.id)
    assert relay.stale_ids(60) == []


def test_other_errors_are_recorded_and_not_retried(db, calls):
    calls.failures.append(KeyError("notification_id"))
    message = enqueue(TASK, {"n": 1}, key="k-1")
    with pytest.raises(KeyError):
        relay.commit()
    stuck = row(db, message.id)
    assert stuck.attempts == 1 and stuck.done_at is None
    assert stuck.last_error == "KeyError: 'notification_id'"


def test_unknown_task_is_recorded(app, db):
    message = enqueue("nobody.handles.this", {}, key="k-1")
    db.session.commit()
    with pytest.raises(LookupError):
        app.extensions["celery"].tasks[relay.DELIVER_TASK].apply(args=[message.id])
    assert "no outbox handler for 'nobody.handles.this'" in row(db, message.id).last_error


def test_delivering_a_done_row_does_nothing(app, db, calls):
    message = enqueue(TASK, {"n": 1}, key="k-1")
    relay.commit()
    deliver = app.extensions["celery"].tasks[relay.DELIVER_TASK]
    assert deliver.apply(args=[message.id]).get() == "done or missing"
    assert deliver.apply(args=[message.id + 1000]).get() == "done or missing"
    assert len(calls.seen) == 1
    assert row(db, message.id).attempts == 1


def test_publishing_twice_delivers_once(app, db, calls, broker):
    message = enqueue(TASK, {"n": 1}, key="k-1")
    relay.commit()
    app.extensions["celery"].conf.task_always_eager = True
    relay.publish([message.id])
    relay.publish([message.id])
    assert len(calls.seen) == 1


def test_a_running_delivery_keeps_the_sweep_away(app, db, monkeypatch, broker):
    """A handler is not republished while it runs and renews its lease (its heartbeat);
    once the lease lapses (its worker died), the sweep takes the row over."""
    from assess.outbox.operations import renew_lease

    seen = {}
    lease = app.config["OUTBOX_RUNNING_LEASE"]

    def slow(payload):
        outbox_id = payload["outbox_id"]
        seen["lease"] = row(db, outbox_id).leased_until
        relay.publish([outbox_id])  # a late publish does not shorten the lease
        seen["after publish"] = row(db, outbox_id).leased_until
        seen["swept while running"] = relay.stale_ids(0)
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                           .values(leased_until=utcnow() - timedelta(seconds=1)))
        seen["swept once lapsed"] = relay.stale_ids(0)
        renew_lease(outbox_id)  # the heartbeat
        seen["swept after heartbeat"] = relay.stale_ids(0)

    monkeypatch.setitem(HANDLERS, TASK, slow)
    message = enqueue(TASK, {}, key="k-1")
    db.session.commit()
    backdate(db, message.id)
    with app.app_context():  # the worker's own context and session
        app.extensions["celery"].tasks[relay.DELIVER_TASK].apply(args=[message.id])
    assert utcnow() + timedelta(seconds=lease - 10) < seen["lease"]
    assert seen["lease"] < utcnow() + timedelta(seconds=lease + 1)
    assert seen["after publish"] == seen["lease"]
    assert seen["swept while running"] == []
    assert seen["swept once lapsed"] == [message.id]
    assert seen["swept after heartbeat"] == []
    assert row(db, message.id).leased_until is None  # done: no lease left


def test_a_concurrent_duplicate_key_returns_the_first_row(app, db, monkeypatch):
    """Two requests both see no row, then both insert: the unique key decides, no 500."""
    from assess.outbox import operations
    from assess.outbox.models import OutboxMessage

    first = operations.enqueue("notifications.send", {"n": 1}, key="race")
    db.session.commit()
    real_lookup = operations.find_by_key
    lookups = []

    def stale_first_lookup(model, key):
        # The second request looked before the first one committed: it found nothing.
        lookups.append(key)
        return None if len(lookups) == 1 else real_lookup(model, key)

    monkeypatch.setattr(operations, "find_by_key", stale_first_lookup)
    second = operations.enqueue("notifications.send", {"n": 2}, key="race")
    assert len(lookups) == 2  # the insert hit the unique key, then it looked again
    assert second.id == first.id and second.payload == {"n": 1}
    db.session.commit()
    assert db.session.query(OutboxMessage).filter_by(key="race").count() == 1
