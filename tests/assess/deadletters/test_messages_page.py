"""/admin/messages: dead letters and pending rows, for the certifier's admins; retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.core.columns import utcnow
from assess.notifications.models import Notification, NotificationStatus
from assess.notifications.operations import SEND_TASK
from assess.outbox.models import OutboxMessage

LONG_ERROR = "SMTPDataError: (451, b'4.3.0 try later') " + "x" * 300


@pytest.fixture
def admin(make_user):
    return make_user("certifier_admin")


def email_row(db, recipient, n: int, *, dead: bool, error: str | None = LONG_ERROR,
              attempts: int = 8) -> OutboxMessage:
    old = utcnow() - timedelta(hours=3)
    note = Notification(key=f"k:{n}", event="results.published", recipient_id=recipient.id,
                        recipient_email=recipient.email, subject=f"Sujet {n}", body="Corps",
                        status=NotificationStatus.FAILED if dead else NotificationStatus.PENDING,
                        created_at=old)
    db.session.add(note)
    db.session.flush()
    row = OutboxMessage(task=SEND_TASK, payload={"notification_id": note.id},
                        key=f"notify:k:{n}", created_at=old, attempts=attempts if dead else 1,
                        last_error=error, dead_at=utcnow() if dead else None)
    db.session.add(row)
    _commit_unpublished(db)
    return row


def _commit_unpublished(db) -> None:
    # Rows written as they stand in the database, not published by the next request
    # (which shares this session in tests).
    db.session.commit()
    db.session.info.pop("outbox_pending", None)


def other_row(db, key: str = "compute:1", **kw) -> OutboxMessage:
    row = OutboxMessage(task="results.compute", payload={"session_id": 1}, key=key,
                        created_at=utcnow() - timedelta(minutes=5), **kw)
    db.session.add(row)
    _commit_unpublished(db)
    return row


def _commit_unpublished(db) -> None:
    # Rows written as they stand in the database, not published by the next request
    # (which shares this session in tests).
    db.session.commit()
    db.session.info.pop("outbox_pending", None)


@pytest.mark.parametrize("role", ["centre_admin", "juror", "candidate"])
def test_only_the_certifiers_admins_see_the_page(client, as_user, make_user, role):
    as_user(make_user(role))
    assert client.get("/admin/messages").status_code == 403
    assert client.post("/admin/messages/relancer-tout").status_code == 403


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/admin/messages")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_lists_dead_and_pending_rows_with_their_error_and_age(db, client, as_user, admin,
                                                              make_user):
    recipient = make_user("candidate", email="camille@example.test")
    dead = email_row(db, recipient, 1, dead=True)
    pending = email_row(db, recipient, 2, dead=False, error=None)
    compute = other_row(db, last_error="OperationalError: database is locked", attempts=2)
    done = other_row(db, key="done:1", done_at=utcnow())
    as_user(admin)
    response = client.get("/admin/messages")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="count-dead">1<' in html and 'id="count-pending">2<' in html
    assert f'id="message-{dead.id}"' in html and f'id="message-{pending.id}"' in html
    assert f'id="message-{compute.id}"' in html and f'id="message-{done.id}"' not in html
    # Dead first, then pending.
    assert html.index(f'id="message-{dead.id}"') < html.index(f'id="message-{pending.id}"')
    assert "camille@example.test" in html and "Sujet 1" in html
    assert "OperationalError: database is locked" in html
    assert "<details>" in html and str(escape(LONG_ERROR)) in html  # in full, in the details
    assert "il y a 3" in html  # heures
    assert html.count('aria-label="Relancer le message') == 1  # the dead row's button
    assert "Relancer tout" in html


def test_an_empty_outbox_says_so(client, as_user, admin):
    as_user(admin)
    html = client.get("/admin/messages").get_data(as_text=True)
    assert "Aucun message en attente ni en échec" in html
    assert "Relancer tout" not in html


def test_pages_of_fifty_in_a_fixed_number_of_statements(db, client, as_user, admin,
                                                        make_user, count_queries):
    recipient = make_user("candidate")
    as_user(admin)

    def statements(page=1) -> int:
        with count_queries() as seen:
            assert client.get(f"/admin/messages?page={page}").status_code == 200
        return len(seen)

    email_row(db, recipient, 0, dead=True)
    other_row(db)
    few = statements()
    for n in range(1, 60):
        email_row(db, recipient, n, dead=n % 2 == 0)
    assert statements() == few
    html = client.get("/admin/messages?page=2").get_data(as_text=True)
    assert html.count('<tr id="message-') == 61 - 50
    assert "Page 2 sur 2" in html


def test_retry_gives_a_fresh_budget_sends_and_is_audited(db, client, as_user, admin,
                                                          make_user, mail_outbox):
    recipient = make_user("candidate", email="camille@example.test")
    dead = email_row(db, recipient, 1, dead=True)
    as_user(admin)
    response = client.post(f"/admin/messages/{dead.id}/relancer")
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(OutboxMessage, dead.id)
    assert row.dead_at is None and row.done_at is not None  # eager: delivered at once
    assert row.attempts == 1
    note = db.session.get(Notification, row.payload["notification_id"])
    assert note.status == NotificationStatus.SENT
    assert [m["To"] for m in mail_outbox] == ["camille@example.test"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retried"))
    assert event.object_type == "OutboxMessage" and event.object_id == dead.id
    assert event.actor_id == admin.id
    assert event.old["error"] == LONG_ERROR and event.old["attempts"] == 8
    assert "relancé" in client.get("/admin/messages").get_data(as_text=True)


def test_retry_of_an_unknown_or_live_row_is_not_found(db, client, as_user, admin, make_user):
    pending = email_row(db, make_user("candidate"), 1, dead=False)
    as_user(admin)
    assert client.post(f"/admin/messages/{pending.id}/relancer").status_code == 404
    assert client.post("/admin/messages/99999/relancer").status_code == 404
    assert client.get(f"/admin/messages/{pending.id}/relancer").status_code == 405


def test_retry_all_retries_every_dead_row(db, client, as_user, admin, make_user, mail_outbox,
                                          audit_actions):
    recipient = make_user("candidate")
    dead = [email_row(db, recipient, n, dead=True) for n in range(3)]
    pending = email_row(db, recipient, 9, dead=False)
    as_user(admin)
    response = client.post("/admin/messages/relancer-tout", follow_redirects=True)
    assert "3 messages relancés." in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(db.session.get(OutboxMessage, r.id).done_at is not None for r in dead)
    assert db.session.get(OutboxMessage, pending.id).done_at is None  # not published here
    assert len(mail_outbox) == 3
    assert audit_actions("outbox.") == ["outbox.retried"] * 3


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_retry_without_a_token_is_refused(self, db, client, as_user, admin, make_user):
        dead = email_row(db, make_user("candidate"), 1, dead=True)
        as_user(admin)
        assert client.post(f"/admin/messages/{dead.id}/relancer").status_code == 400
        assert client.post("/admin/messages/relancer-tout").status_code == 400
        db.session.expire_all()
        assert db.session.get(OutboxMessage, dead.id).dead_at is not None

    def test_the_page_carries_the_token(self, db, client, as_user, admin, make_user):
        as_user(admin)
        empty = client.get("/admin/messages").get_data(as_text=True).count('name="csrf_token"')
        email_row(db, make_user("candidate"), 1, dead=True)
        html = client.get("/admin/messages").get_data(as_text=True)
        # Two more forms: « Relancer tout », and the row's button.
        assert html.count('name="csrf_token"') == empty + 2


def test_the_sessions_list_links_the_page_for_the_certifier_only(world, as_user, db):
    w = world(candidates=0, jurors=0, assign_all=False)
    assert "/admin/messages" in as_user(w.admin).get("/sessions/").get_data(as_text=True)
    assert "/admin/messages" not in as_user(w.centre_admin).get("/sessions/").get_data(
        as_text=True)
