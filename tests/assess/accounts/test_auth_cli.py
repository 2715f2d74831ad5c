"""``assess create-admin``."""

from __future__ import annotations

import re

from sqlalchemy import select

from assess.accounts.models import Role, User
from assess.accounts.passwords import verify_password
from tests.assess.accounts.auth_helpers import link_path, logged_in_id

PASSWORD = "mot de passe du chef"


def _user(db, email):
    return db.session.scalar(select(User).where(User.email == email))


def test_create_admin_sends_invitation_and_prints_link(app, db, client, mail_outbox):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "Chef@Example.org", "--first-name", "Anne", "--last-name", "Martin"])
    assert result.exit_code == 0, result.output
    user = _user(db, "chef@example.org")
    assert user.role == Role.CERTIFIER_ADMIN and user.full_name == "Anne Martin"
    assert user.password_hash is None and user.centre_id is None
    assert len(mail_outbox) == 1 and mail_outbox[0]["To"] == "chef@example.org"

    printed = re.search(r"http\S+/invitation/\S+", result.output).group(0)
    response = client.post(link_path(printed, "/invitation/"),
                           data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert logged_in_id(client) == str(user.id)


def test_create_admin_with_password_prompt(app, db, mail_outbox, real_argon2):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "boss@example.org", "--password-prompt"],
        input=f"demo\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "réservé aux comptes de démonstration" in result.output  # asked again
    assert PASSWORD not in result.output  # hidden input
    user = _user(db, "boss@example.org")
    assert verify_password(user.password_hash, PASSWORD)
    assert mail_outbox == []


def test_password_alias_and_mismatched_confirmation(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "boss@example.org", "--password"],
        input=f"{PASSWORD}\nautre chose longue\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert _user(db, "boss@example.org").password_hash


def test_create_admin_refuses_duplicate(app, db, make_user):
    existing = make_user("juror")
    result = app.test_cli_runner().invoke(args=["create-admin", existing.email.upper()])
    assert result.exit_code == 1
    assert "Un compte existe déjà" in result.output
    assert db.session.get(User, existing.id).role == Role.JUROR


def test_create_admin_refuses_invalid_email(app, db):
    result = app.test_cli_runner().invoke(args=["create-admin", "pas-une-adresse"])
    assert result.exit_code == 1
    assert "Adresse e-mail invalide" in result.output
    assert db.session.scalar(select(User)) is None
