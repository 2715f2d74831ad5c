"""A centre's admin accounts: invited by the certifier admin, invitation sent again while
the account is not activated; the invited admin then works on their own centre only."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from assess.accounts.models import Role, User
from assess.audit.models import AuditEvent
from assess.outbox import relay
from tests.factories import create_session

NEW = {"first_name": "Claire", "last_name": "Martin", "email": "Claire.Martin@Example.org"}
PASSWORD = "une phrase assez longue"


def _invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitation/[\w.\-]+)", message.get_body(("plain",)).get_content())
    assert match, message.get_body(("plain",)).get_content()
    return match.group(1)


def _invite(client, centre, data=None):
    response = client.post(f"/centres/{centre.id}/admins", data=data or NEW)
    relay.commit()  # deliver what the view queued, as the worker would
    return response


def test_invite_creates_a_centre_admin_and_emails_the_link(as_user, w, db, mail_outbox):
    response = _invite(as_user(w.admin), w.centre)
    assert response.status_code == 302 and response.location == f"/centres/{w.centre.id}"
    user = db.session.scalar(select(User).where(User.email == "claire.martin@example.org"))
    assert (user.role, user.centre_id, user.password_hash) == (Role.CENTRE_ADMIN, w.centre.id,
                                                               None)
    assert (user.first_name, user.last_name) == ("Claire", "Martin")
    assert [m["To"] for m in mail_outbox] == ["claire.martin@example.org"]
    assert "/invitation/" in mail_outbox[0].get_body(("plain",)).get_content()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.invited"))
    assert event.actor_id == w.admin.id and event.object_id == user.id
    page = as_user(w.admin).get(response.location).get_data(as_text=True)
    row = page.split("claire.martin@example.org")[-1].split("</tr>")[0]
    assert "invitation envoyée" in row


def test_invited_admin_accepts_and_sees_only_their_centre(as_user, w, db, client, mail_outbox,
                                                          referential_version):
    other_session = create_session(referential_version, w.other_centre, name="Session d'ailleurs")
    db.session.commit()
    _invite(as_user(w.admin), w.centre)
    path = _invitation_path(mail_outbox[0])
    client.post("/logout")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    page = client.get("/sessions/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert w.session.name in html and other_session.name not in html
    assert client.get(f"/sessions/{other_session.id}").status_code == 404
    assert client.get("/centres/").status_code == 403
    # The certifier now sees the account as activated, with nothing to send again.
    page = as_user(w.admin).get(f"/centres/{w.centre.id}").get_data(as_text=True)
    row = page.split("claire.martin@example.org")[-1].split("</tr>")[0]
    assert "compte activé" in row and "reinvite" not in row


def test_used_email_is_shown_on_the_field_and_input_kept(as_user, w, db, pending_admin,
                                                         mail_outbox):
    data = {**NEW, "email": pending_admin.email.upper()}
    response = _invite(as_user(w.admin), w.centre, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Un compte existe déjà avec l&#39;adresse" in page
    assert "utilisez le compte existant de cette personne" in page
    assert re.search(r'<small id="email-errors"[^>]*>Un compte existe déjà', page)
    assert 'value="Claire"' in page and 'value="Martin"' in page
    assert f'value="{pending_admin.email.upper()}"' in page
    assert mail_outbox == []
    assert db.session.query(User).filter_by(role=Role.CENTRE_ADMIN).count() == 3


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "pas-une-adresse", "Adresse e-mail invalide"),
    ("first_name", "", "Indiquez le prénom."),
    ("last_name", " ", "Indiquez le nom."),
])
def test_invalid_invitation_form_is_refused(as_user, w, db, mail_outbox, field, value,
                                            message):
    response = _invite(as_user(w.admin), w.centre, {**NEW, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert mail_outbox == []
    assert db.session.scalar(select(User).where(User.first_name == "Claire")) is None


def test_reinvite_sends_a_new_link(as_user, w, db, pending_admin, mail_outbox, monkeypatch,
                                   audit_actions, client):
    admin_client = as_user(w.admin)
    url = f"/centres/{w.centre.id}/admins/{pending_admin.id}/reinvite"
    response = admin_client.post(url)
    relay.commit()
    assert response.status_code == 302 and response.location == f"/centres/{w.centre.id}"
    assert "Invitation renvoyée" in admin_client.get(response.location).get_data(as_text=True)
    # A link signed later is a new link, hence a new e-mail (same second: same link, deduped).
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 5)
    admin_client.post(url)
    relay.commit()
    assert [m["To"] for m in mail_outbox] == [pending_admin.email] * 2
    first, second = (_invitation_path(m) for m in mail_outbox)
    assert first != second
    assert audit_actions("account.reinvited") == ["account.reinvited"] * 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.reinvited"))
    assert event.actor_id == w.admin.id and event.object_id == pending_admin.id
    client.post("/logout")
    assert client.get(second).status_code == 200


def test_reinvite_is_refused_once_the_account_is_activated(as_user, w, mail_outbox,
                                                           audit_actions):
    client = as_user(w.admin)
    response = client.post(f"/centres/{w.centre.id}/admins/{w.centre_admin.id}/reinvite")
    relay.commit()
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "a déjà activé son compte" in page
    assert mail_outbox == []
    assert audit_actions("account.reinvited") == []
