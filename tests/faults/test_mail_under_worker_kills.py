"""Defect: an e-mail was lost for good when its worker died mid-send. Now a delivery
claims the notification as "sending" and records "sent" only once the mail server took
the message; a later delivery (the redelivered message, or the sweep once the lease
lapsed) sends it again. Killed here 20 times as a pool child and 20 times as a whole
worker, while a slow SMTP server keeps each send open: nothing is lost, nothing is sent
twice."""

from __future__ import annotations

import os
import signal
import time

import pytest
from sqlalchemy import select

from tests.faults.conftest import WAIT
from tests.processes import group_alive, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

KILLS = int(os.environ.get("ASSESS_FAULT_KILLS", "20"))


def _status(db, nid: int):
    from assess.notifications.models import Notification

    db.session.rollback()
    return db.session.scalar(select(Notification.status).where(Notification.id == nid))


def _queue_mail(db, recipient, key: str) -> int:
    from assess.notifications.operations import notify
    from assess.outbox import relay

    notification = notify("fault_test", recipient, key, f"Message {key}", "Corps du message.")
    relay.commit()
    return notification.id


def _kill_pool_child(stack) -> None:
    os.kill(stack.pool_child(), signal.SIGKILL)


def _kill_whole_worker(stack) -> None:
    os.killpg(stack.worker.pid, signal.SIGKILL)
    stack.worker.wait(timeout=10)  # reaped: a zombie would still count in its group
    wait_until(lambda: not group_alive(stack.worker.pid), 10, "worker group gone")
    stack.start_worker()


@pytest.mark.parametrize("kill", [_kill_pool_child, _kill_whole_worker],
                         ids=["pool-child", "whole-worker"])
def test_no_mail_is_lost_nor_sent_twice_when_workers_die_mid_send(fault_stack, kill):
    from assess.extensions import db
    from assess.notifications import mail
    from assess.notifications.models import Notification, NotificationStatus
    from tests.factories import create_user

    stack = fault_stack
    recipient = create_user("juror")
    db.session.commit()
    started = time.monotonic()
    ids = []
    for i in range(KILLS):
        nid = _queue_mail(db, recipient, f"{kill.__name__}-{i}")
        ids.append(nid)
        # Killed while the server keeps the connection waiting: nothing was accepted yet.
        wait_until(lambda nid=nid: _status(db, nid) == NotificationStatus.SENDING, WAIT,
                   f"notification {nid} being sent", stack.worker_log)
        kill(stack)
        wait_until(lambda nid=nid: _status(db, nid) == NotificationStatus.SENT, WAIT,
                   f"notification {nid} sent after the kill", stack.worker_log)
    time.sleep(2)  # let a late duplicate, if any, arrive

    db.session.rollback()
    expected = {mail.message_id_for(n) for n in db.session.scalars(
        select(Notification).where(Notification.id.in_(ids)))}
    received = stack.smtp.counts()
    lost = sorted(expected - set(received))
    duplicated = sorted(m for m in expected if received[m] > 1)
    print(f"\n{kill.__name__}: {KILLS} kills in {time.monotonic() - started:.0f} s: "
          f"{len(lost)} e-mail(s) lost, {len(duplicated)} duplicated")
    assert (lost, duplicated) == ([], [])
