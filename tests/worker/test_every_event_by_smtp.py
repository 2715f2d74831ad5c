"""Every event of the catalogue through the real parts: queued as the operations queue it,
sent by a real `assess worker` process over SMTP to an aiosmtpd server on loopback
(started here), on the embedded stack (SQLite, filesystem broker) and the distributed one
(PostgreSQL, Redis). Each arrives exactly once, to its recipient, with a plain-text and an
HTML part, in French or in English as the recipient chose, with its attachment where it
has one; an optional one the recipient turned off is not sent."""

from __future__ import annotations

import email
import email.policy
import io
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.processes import ASSESS, free_port, start, stop, tail, wait_until
from tests.worker.test_real_worker import distributed_stack, embedded_stack, fresh

pytestmark = pytest.mark.worker

WAIT = 120


class Inbox:
    """aiosmtpd handler keeping every message it accepted."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture(params=["embedded", pytest.param(
    "distributed", marks=[pytest.mark.postgres, pytest.mark.redis])])
def smtp_stack(request, tmp_path):
    from aiosmtpd.controller import Controller

    from assess import create_app
    from assess.extensions import db
    from tests.conftest import make_config

    stack = (embedded_stack if request.param == "embedded" else distributed_stack)(tmp_path)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = dict(stack.env, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(controller.port))
    app = create_app(make_config(stack.tmp, **stack.config))
    log = stack.tmp / "worker.log"
    proc = None
    try:
        with app.app_context():
            db.create_all()
            proc = start([*ASSESS, "worker", "--beat", "--concurrency", "2", "--loglevel",
                          "info"], env, log)
            wait_until(lambda: " ready." in log.read_text(errors="replace"), 60,
                       "worker ready", log, proc)
            yield db, inbox, log, proc
            db.session.remove()
            db.engine.dispose()
    finally:
        if proc is not None:
            stop(proc)
        controller.stop()
        for cleanup in reversed(stack.cleanups):
            cleanup()


def test_every_event_is_sent_once_by_smtp_in_the_recipients_language(smtp_stack):
    from assess.notifications.kinds import EVENTS
    from assess.notifications.models import Notification, NotificationStatus
    from assess.notifications.operations import notify, save_email_preferences
    from assess.outbox import relay
    from assess.storage import get_storage
    from tests.factories import create_user

    db, inbox, log, proc = smtp_stack
    ics = get_storage().save_stream(io.BytesIO(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
                                    max_bytes=1024)
    people = {}
    for n, event in enumerate(EVENTS):
        english = n % 2 == 1  # every other recipient reads English
        user = create_user("candidate", email=f"{event.replace('.', '-')}@example.test",
                           locale="en" if english else "fr")
        people[event] = user
        subject = f"[{event}] " + ("Your message" if english else "Votre message")
        body = ("Hello,\nthis is about " if english else "Bonjour,\nceci concerne ") + event
        attachments = ([{"filename": "convocation.ics", "mime": "text/calendar",
                         "key": ics.key}] if event == "convocation" else None)
        notify(event, user, f"smtp:{event}", subject, body + ".\n", attachments=attachments,
               link="/notifications")
    silent = create_user("candidate", email="silent@example.test")
    save_email_preferences(silent, silent, receive=[])
    notify("grading_reminder", silent, "smtp:silent", "Rappel", "Soumettez.\n")
    relay.commit()

    def settled():
        fresh(db)
        return db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.key.like("%smtp:%"), Notification.status.in_(
                (NotificationStatus.PENDING, NotificationStatus.SENDING)))) == 0

    wait_until(settled, WAIT, "every event sent", log, proc)
    counts = Counter(rcpt for rcpts, _m in inbox.messages for rcpt in rcpts)
    for event, user in people.items():
        assert counts[user.email] == 1, (event, counts[user.email], tail(log))
        [message] = inbox.to(user.email)
        english = user.locale == "en"
        assert message["Subject"].startswith(f"[{event}] ")
        assert ("Your message" in message["Subject"]) == english
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        word = "this is about" if english else "ceci concerne"
        assert word in plain and word in html
        files = [part.get_filename() for part in message.iter_attachments()]
        assert files == (["convocation.ics"] if event == "convocation" else [])
    assert inbox.to(silent.email) == []
    fresh(db)
    statuses = dict(db.session.execute(select(Notification.recipient_email, Notification.status)
                                       .where(Notification.key.like("%smtp:%"))).all())
    assert statuses[silent.email] == NotificationStatus.OPTED_OUT
    assert {s for e, s in statuses.items() if e != silent.email} == {NotificationStatus.SENT}
