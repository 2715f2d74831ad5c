"""Redis stopped while people keep working: the operations commit (their e-mails are rows
of the outbox, written with the change), nothing is lost, and once Redis is back every
message goes out exactly once (the sweep republishes what the relay could not)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.faults.conftest import WAIT
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

MESSAGES = 10


def test_mail_queued_while_redis_is_down_goes_out_once_it_is_back(fault_stack):
    from assess.extensions import db
    from assess.notifications import mail
    from assess.notifications.models import Notification, NotificationStatus
    from assess.notifications.operations import notify
    from assess.outbox import relay
    from tests.factories import create_user

    stack = fault_stack
    stack.smtp.stall = 0
    recipient = create_user("juror")
    db.session.commit()
    stack.redis.stop()
    started = time.monotonic()
    ids = []
    for i in range(MESSAGES):
        ids.append(notify("fault_test", recipient, f"down-{i}", f"Message {i}", "Corps.").id)
        relay.commit()  # the change commits; publishing fails quietly, the row waits
    took = time.monotonic() - started
    db.session.rollback()
    assert {s for (s,) in db.session.execute(select(Notification.status).where(
        Notification.id.in_(ids)))} == {NotificationStatus.PENDING}
    stack.redis.start()
    stack.redis.wait_ready()

    def all_sent():
        db.session.rollback()
        return set(db.session.scalars(select(Notification.status).where(
            Notification.id.in_(ids)))) == {NotificationStatus.SENT}

    wait_until(all_sent, WAIT, "every message sent once Redis is back", stack.worker_log)
    time.sleep(2)  # a late duplicate, if any
    expected = {mail.message_id_for(n) for n in db.session.scalars(
        select(Notification).where(Notification.id.in_(ids)))}
    received = stack.smtp.counts()
    print(f"\n{MESSAGES} operations with Redis down in {took:.1f} s; all delivered after")
    assert set(received) >= expected
    assert [m for m in expected if received[m] != 1] == []
