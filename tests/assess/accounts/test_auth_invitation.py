"""Invitation: e-mailed link → choose a password → logged in; the link then stops working."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.accounts.operations import AccountError, invite_user
from assess.accounts.passwords import verify_password
from assess.accounts.tokens import INVITATION, make_token
from assess.audit.models import AuditEvent
from assess.notifications.models import Notification
from assess.outbox import relay
from tests.assess.accounts.auth_helpers import link_path, logged_in_id

NEW_PASSWORD = "une phrase assez longue"


@pytest.fixture
def invited(make_user, db, mail_outbox):
    """Invite a juror through the operation; return (user, path of the e-mailed link)."""
    admin = make_user("certifier_admin")
    user = invite_user(admin, email="New.Juror@Example.test", role="juror",
                       first_name="Nina", last_name="Durand")
    relay.commit()
    assert len(mail_outbox) == 1
    return user, link_path(mail_outbox[0].get_body(("plain",)).get_content(), "/invitation/")


def _set(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password,
                                   "confirm": password if confirm is None else confirm})


def test_invitation_end_to_end(client, invited, db, mail_outbox):
    user, path = invited
    notification = db.session.scalar(select(Notification).where(Notification.event == "invitation"))
    assert notification.recipient_id == user.id
    assert mail_outbox[0]["To"] == "new.juror@example.test"

    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Choisissez votre mot de passe" in html
    assert html.count('autocomplete="new-password"') == 2
    assert page.headers["Referrer-Policy"] == "no-referrer"

    response = _set(client, path)
    assert response.status_code == 302 and response.location == "/"
    assert logged_in_id(client) == str(user.id)
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.password_set"))
    assert event.object_id == user.id and event.actor_id == user.id

    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 400
    assert "déjà été utilisé" in again.get_data(as_text=True)
    assert _set(client, path, "autre phrase assez longue").status_code == 400
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)

    login = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_invited_user_cannot_log_in_before_setting_password(client, invited):
    user, _ = invited
    client.post("/login", data={"email": user.email, "password": ""})
    assert logged_in_id(client) is None


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("court", None, "au moins 10 caractères"),
    ("demo", None, "réservé aux comptes de démonstration"),
    ("new.juror@example.test", None, "ne doit pas être votre adresse e-mail"),
    ("NEW.JUROR@example.test", None, "ne doit pas être votre adresse e-mail"),
    (NEW_PASSWORD, "une autre phrase longue", "ne sont pas identiques"),
    ("", "", "Choisissez un mot de passe."),
])
def test_refused_passwords_keep_the_link_usable(client, invited, db, password, confirm,
                                                message):
    user, path = invited
    response = _set(client, path, password, confirm)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html and 'id="form-errors"' in html
    assert logged_in_id(client) is None
    db.session.refresh(user)
    assert user.password_hash is None
    assert client.get(path).status_code == 200


def test_expired_invitation(client, invited, app):
    _, path = invited
    app.config["INVITATION_MAX_AGE"] = -1
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ce lien a expiré" in html
    assert "Demandez une nouvelle invitation" in html


def test_tampered_invitation(client, invited):
    _, path = invited
    response = client.get(path[:-3] + "xyz")
    assert response.status_code == 400
    assert "copié en entier" in response.get_data(as_text=True)


def test_reset_token_is_not_an_invitation(client, invited):
    from assess.accounts.tokens import PASSWORD_RESET

    user, _ = invited
    assert client.get(f"/invitation/{make_token(user, PASSWORD_RESET)}").status_code == 400


def test_invitation_for_disabled_account_refused(client, invited, db):
    user, path = invited
    user.active = False
    db.session.commit()
    assert client.get(path).status_code == 400


def test_logged_in_user_may_open_an_invitation_and_becomes_the_invited(client, invited,
                                                                       make_user, as_user):
    user, path = invited
    as_user(make_user("juror"))
    assert client.get(path).status_code == 200
    _set(client, path)
    assert logged_in_id(client) == str(user.id)


def test_new_invitation_works_and_duplicate_refused(client, invited, make_user):
    user, _ = invited
    assert client.get(f"/invitation/{make_token(user, INVITATION)}").status_code == 200
    with pytest.raises(AccountError, match="existe déjà"):
        invite_user(make_user("certifier_admin"), email="new.juror@example.test",
                    role="juror")
