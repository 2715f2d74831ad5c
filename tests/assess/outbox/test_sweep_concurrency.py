"""Two sweeps at once (two beats by mistake, a sweep run by hand) publish each row once:
on PostgreSQL the first one's rows are locked FOR UPDATE SKIP LOCKED, and the second one
skips them instead of waiting; on SQLite the claim's conditional update settles it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from assess.core.columns import utcnow
from assess.extensions import db as _db
from assess.outbox import relay
from assess.outbox.models import OutboxMessage


@pytest.fixture
def app_config(both_databases):
    return both_databases


def stale_rows(db, n: int) -> list[int]:
    old = utcnow() - timedelta(hours=1)
    rows = [OutboxMessage(task="test.x", key=f"k{i}", created_at=old) for i in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    db.session.info.pop("outbox_pending", None)
    return sorted(r.id for r in rows)


def test_the_sweep_query_locks_with_skip_locked_on_postgresql(app, db, monkeypatch):
    seen = []
    from sqlalchemy import event

    def before(_conn, _cursor, statement, *_args):
        seen.append(statement)

    stale_rows(db, 2)
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        relay.claim_stale(60)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    locking = [s for s in seen if "FOR UPDATE" in s]
    if db.engine.dialect.name == "postgresql":
        assert locking and "SKIP LOCKED" in locking[0]
    else:
        assert locking == []


def test_two_concurrent_sweeps_claim_each_row_once(app, db, monkeypatch):
    ids = stale_rows(db, 40)
    holding, second_done = threading.Event(), threading.Event()
    real_mark = relay._mark_claimed
    claimed: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    waited = {}

    def mark(found, older_than):
        # The first sweep holds its rows (its transaction open) until the second is done.
        if threading.current_thread().name == "first":
            holding.set()
            second_done.wait(10)
        return real_mark(found, older_than)

    monkeypatch.setattr(relay, "_mark_claimed", mark)

    def sweep(name):
        try:
            with app.app_context():
                started = time.monotonic()
                claimed[name] = relay.claim_stale(60)
                waited[name] = time.monotonic() - started
                _db.session.remove()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            if name == "second":
                second_done.set()

    first = threading.Thread(target=sweep, args=("first",), name="first")
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=sweep, args=("second",), name="second")
    second.start()
    second.join(30)
    first.join(30)
    assert errors == []
    assert sorted(claimed["first"] + claimed["second"]) == ids  # every row, once
    if db.engine.dialect.name == "postgresql":
        # The second skipped the rows the first had locked, rather than waiting on them.
        assert claimed["first"] == ids and claimed["second"] == []
        assert waited["second"] < 5
    else:
        # No row locks: the second claimed them all, and the first one's conditional
        # update then found each row dispatched already.
        assert claimed["first"] == [] and claimed["second"] == ids
