"""E-mails: written with the state change, sent once however often they are delivered."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from assess.core.columns import utcnow
from assess.notifications import mail
from assess.notifications.models import Notification, NotificationStatus
from assess.notifications.operations import SEND_TASK, notify
from assess.notifications.tasks import send_notification
from assess.outbox import relay
from assess.outbox.handlers import TransientError
from assess.outbox.models import OutboxMessage

SUBJECT = "Résultats publiés — session de printemps"
BODY = "Bonjour,\n\nVos résultats sont disponibles : https://assess.example/resultats\n"


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notification(db, nid: int) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, nid)


@pytest.fixture
def recipient(make_user):
    return make_user("candidate", email="camille@example.test")


@pytest.fixture
def queued(db, recipient, monkeypatch, app):
    """A notification committed but not delivered yet (the broker only records)."""
    celery = app.extensions["celery"]
    monkeypatch.setitem(celery.conf, "task_always_eager", False)
    monkeypatch.setattr(celery, "send_task", lambda *a, **k: None)
    n = notify("results.published", recipient, "session:1", SUBJECT, BODY)
    relay.commit()
    monkeypatch.setitem(celery.conf, "task_always_eager", True)
    return n


class TestFileBackend:
    @pytest.fixture
    def app_config(self):
        return {"MAIL_BACKEND": "file"}

    def test_writes_a_complete_eml(self, app):
        mail.send("camille@example.test", SUBJECT, BODY)
        folder = app.config["MAIL_SINK_DIR"]
        files = list(folder.iterdir())
        assert len(files) == 1 and files[0].suffix == ".eml"  # no temp file left
        msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
        assert msg["To"] == "camille@example.test"
        assert msg["From"] == app.config["MAIL_DEFAULT_SENDER"]
        assert msg["Subject"] == SUBJECT
        assert msg["Date"] is not None and msg["Message-ID"].endswith("@assess.localhost>")
        assert msg.get_body(("plain",)).get_content() == BODY

    def test_each_message_gets_its_own_file(self, app):
        mail.send("a@example.test", "un", "corps")
        mail.send("b@example.test", "deux", "corps")
        assert len(list(app.config["MAIL_SINK_DIR"].glob("*.eml"))) == 2


def test_memory_backend_keeps_the_message(mail_outbox):
    mail.send("camille@example.test", SUBJECT, BODY)
    assert len(mail_outbox) == 1
    assert mail_outbox[0]["Subject"] == SUBJECT
    assert mail_outbox[0].get_body(("plain",)).get_content() == BODY


def test_unknown_backend_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
    with pytest.raises(ValueError, match="pigeon"):
        mail.send("camille@example.test", SUBJECT, BODY)


def test_notify_twice_with_the_same_key_sends_one_email(db, recipient, mail_outbox):
    first = notify("results.published", recipient, "session:1", SUBJECT, BODY)
    second = notify("results.published", recipient, "session:1", "autre", "autre")
    relay.commit()
    again = notify("results.published", recipient, "session:1", SUBJECT, BODY)
    relay.commit()
    assert first.id == second.id == again.id
    assert count(db, Notification) == 1 and count(db, OutboxMessage) == 1
    assert len(mail_outbox) == 1
    assert mail_outbox[0]["To"] == "camille@example.test"
    sent = notification(db, first.id)
    assert sent.status == NotificationStatus.SENT and sent.sent_at is not None


def test_other_object_or_recipient_is_another_email(db, recipient, make_user, mail_outbox):
    other = make_user("candidate")
    notify("results.published", recipient, "session:1", SUBJECT, BODY)
    notify("results.published", recipient, "session:2", SUBJECT, BODY)
    notify("results.published", other, "session:1", SUBJECT, BODY)
    relay.commit()
    assert len(mail_outbox) == 3


def test_delivered_twice_sends_one_email(app, db, queued, mail_outbox):
    outbox_id = db.session.scalar(select(OutboxMessage.id))
    deliver = app.extensions["celery"].tasks[relay.DELIVER_TASK]
    deliver.apply(args=[outbox_id])
    deliver.apply(args=[outbox_id])
    assert len(mail_outbox) == 1


def test_handler_called_twice_sends_one_email(app, db, queued, mail_outbox):
    # As when two deliveries of the same row race: the second finds nothing to claim.
    send_notification({"notification_id": queued.id})
    send_notification({"notification_id": queued.id})
    assert len(mail_outbox) == 1


def test_mail_failure_returns_to_pending_and_is_transient(app, db, queued, monkeypatch,
                                                          mail_outbox):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr(mail, "send", refuse)
    with pytest.raises(TransientError, match="Connection refused"):
        send_notification({"notification_id": queued.id})
    back = notification(db, queued.id)
    assert back.status == NotificationStatus.PENDING and back.sent_at is None

    monkeypatch.undo()
    send_notification({"notification_id": queued.id})
    assert len(mail_outbox) == 1


def test_claim_left_by_a_dead_worker_is_taken_again(db, queued, mail_outbox):
    db.session.execute(update(Notification).where(Notification.id == queued.id).values(
        status=NotificationStatus.SENDING, claimed_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    send_notification({"notification_id": queued.id})
    assert len(mail_outbox) == 1


def test_recent_claim_is_not_sent_again(db, queued, mail_outbox):
    db.session.execute(update(Notification).where(Notification.id == queued.id).values(
        status=NotificationStatus.SENDING, claimed_at=utcnow()))
    db.session.commit()
    send_notification({"notification_id": queued.id})
    assert mail_outbox == []


def test_a_sent_notification_is_never_sent_again(db, queued, mail_outbox):
    send_notification({"notification_id": queued.id})
    db.session.execute(update(Notification).where(Notification.id == queued.id).values(
        sent_at=utcnow() - timedelta(days=1), claimed_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    send_notification({"notification_id": queued.id})
    assert len(mail_outbox) == 1


def test_the_record_says_sending_while_the_server_has_not_answered(db, queued, monkeypatch):
    seen = []

    def record_state(*_args, **_kwargs):
        db.session.expire_all()
        seen.append(notification(db, queued.id).status)

    monkeypatch.setattr(mail, "send", record_state)
    send_notification({"notification_id": queued.id})
    assert seen == [NotificationStatus.SENDING]
    sent = notification(db, queued.id)
    assert sent.status == NotificationStatus.SENT and sent.sent_at >= sent.claimed_at


def test_outbox_row_names_the_send_task(db, queued):
    message = db.session.scalar(select(OutboxMessage))
    assert message.task == SEND_TASK
    assert message.payload == {"notification_id": queued.id}
    assert message.key == f"notify:results.published:{queued.recipient_id}:session:1"


def test_every_message_has_a_text_part_and_the_same_words_in_html(app):
    """The HTML alternative says what the text says, links clickable, markup escaped, in
    the recipient's language."""
    with app.test_request_context():
        msg = mail.build_message("camille@example.test", "Résultats <publiés>",
                                 "Bonjour Camille,\n\nVos résultats : https://assess.example/"
                                 "resultats.\nÀ bientôt <script>x</script>", lang="en")
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "https://assess.example/resultats." in plain
    assert '<a href="https://assess.example/resultats"' in html  # the full stop left out
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Résultats &lt;publiés&gt;" in html and 'lang="en"' in html
    assert "Do not reply" in html or "Ne répondez pas" in html
