"""Login, logout, redirects and the user loader."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from assess.accounts.models import User
from assess.accounts.passwords import verify_password
from assess.audit.models import AuditEvent
from tests.assess.accounts.auth_helpers import flashes, logged_in_id
from tests.factories import DEFAULT_PASSWORD

GENERIC = "Adresse e-mail ou mot de passe incorrect"


def test_login_page_is_open_to_anonymous(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert '<label for="email">' in html and '<label for="password">' in html
    assert "autofocus" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_login_success_logs_in_stamps_and_audits(client, make_user, login, db):
    user = make_user("juror")
    response = login(user)
    assert response.status_code == 302
    assert response.location == "/"
    assert logged_in_id(client) == str(user.id)
    db.session.refresh(user)
    assert user.last_login_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login"))
    assert event.actor_id == user.id and event.object_id == user.id


def test_login_email_is_case_insensitive(client, make_user):
    user = make_user("juror")
    response = client.post("/login", data={"email": "  " + user.email.upper(),
                                           "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert logged_in_id(client) == str(user.id)


@pytest.mark.parametrize("case", ["wrong_password", "unknown_email", "inactive"])
def test_login_failure_is_generic(client, make_user, login, db, case):
    user = make_user("juror", active=case != "inactive")
    email = "nobody@example.test" if case == "unknown_email" else user.email
    password = "wrong-password" if case == "wrong_password" else DEFAULT_PASSWORD
    response = client.post("/login", data={"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert GENERIC in html
    assert 'role="alert"' in html
    assert logged_in_id(client) is None


def test_invited_account_without_password_cannot_log_in(client, make_user):
    user = make_user("juror", password=None)
    for password in ("", DEFAULT_PASSWORD, "None"):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 200
        assert logged_in_id(client) is None
    assert GENERIC in response.get_data(as_text=True)


def test_demo_password_refused_for_real_account_even_if_hash_matches(client, make_user):
    user = make_user("juror", password="demo")
    assert verify_password(user.password_hash, "demo")  # the hash does match
    response = client.post("/login", data={"email": user.email, "password": "demo"})
    assert response.status_code == 200
    assert GENERIC in response.get_data(as_text=True)
    assert logged_in_id(client) is None


def test_demo_password_accepted_for_demo_account(client, make_user):
    user = make_user("juror", password="demo", is_demo=True)
    response = client.post("/login", data={"email": user.email, "password": "demo"})
    assert response.status_code == 302
    assert logged_in_id(client) == str(user.id)


def test_demo_account_refused_when_demo_is_switched_off(app, client, make_user):
    user = make_user("juror", password="demo", is_demo=True)
    app.config["DEMO_ALLOWED"] = False
    client.post("/login", data={"email": user.email, "password": "demo"})
    assert logged_in_id(client) is None


def test_outdated_hash_is_upgraded_on_login(client, make_user, db, real_argon2):
    user = make_user("juror")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(
        DEFAULT_PASSWORD)
    db.session.commit()
    old = user.password_hash
    assert client.post("/login", data={"email": user.email,
                                       "password": DEFAULT_PASSWORD}).status_code == 302
    db.session.refresh(user)
    assert user.password_hash != old
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)


def test_missing_fields_are_reported_on_the_fields(client):
    response = client.post("/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saisissez votre adresse e-mail." in html
    assert 'aria-invalid="true"' in html
    assert 'href="#email"' in html  # error summary links to the field


def test_anonymous_on_protected_page_goes_to_login_with_next(client, protected_url):
    response = client.get(protected_url + "?x=1")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert "%2F_test%2Fprotected%3Fx%3D1" in response.location
    assert ("info", "Connectez-vous pour accéder à cette page.") in flashes(client)


def test_login_returns_to_next(client, make_user, protected_url):
    user = make_user("juror")
    page = client.get("/login?next=/_test/protected").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/_test/protected"' in page
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                           "next": "/_test/protected"})
    assert response.location == "/_test/protected"
    assert client.get(protected_url).get_data(as_text=True) == "secret"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "http:/evil.example", "javascript:alert(1)", "evil.example", "/\tevil", "/\r\nLocation: x",
])
def test_next_open_redirect_refused(client, make_user, target):
    user = make_user("juror")
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_next_in_query_string_open_redirect_refused(client, make_user, as_user):
    as_user(make_user("juror"))
    assert client.get("/login?next=//evil.example").location == "/"


def test_logged_in_user_is_sent_away_from_login(client, make_user, as_user):
    as_user(make_user("juror"))
    response = client.get("/login")
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/login?next=/resultats").location == "/resultats"
    response = client.post("/login", data={"email": "x@example.test", "password": "x"})
    assert response.status_code == 302


def test_logout(client, make_user, login, protected_url):
    user = make_user("juror")
    login(user)
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    response = client.post("/logout")
    assert response.status_code == 302 and response.location == "/login"
    assert logged_in_id(client) is None
    with client.session_transaction() as sess:
        assert sess.get("lang") == "en"  # the language choice survives
    assert client.get(protected_url).status_code == 302


def test_logout_when_anonymous_just_redirects(client):
    response = client.post("/logout")
    assert response.status_code == 302 and response.location == "/login"


def test_logout_is_post_only(client):
    assert client.get("/logout").status_code == 405


def test_user_loader_refuses_inactive_and_unknown(client, make_user, as_user, db,
                                                  protected_url):
    user = make_user("juror")
    as_user(user)
    assert client.get(protected_url).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get(protected_url).status_code == 302
    with client.session_transaction() as sess:
        sess["_user_id"] = "999999"
    assert client.get(protected_url).status_code == 302
    with client.session_transaction() as sess:
        sess["_user_id"] = "not-a-number"
    assert client.get(protected_url).status_code == 302


def test_session_cookie_carries_no_previous_visitor_data(client, make_user, login):
    with client.session_transaction() as sess:
        sess["leftover"] = "from a previous visitor"
    login(make_user("juror"))
    with client.session_transaction() as sess:
        assert "leftover" not in sess


def test_failure_does_not_reveal_account_existence(client, make_user, db):
    user = make_user("juror")

    def attempt(email):
        html = client.post("/login", data={"email": email, "password": "wrong-pass"}
                           ).get_data(as_text=True)
        return html[html.index('<article'):].replace(email, "EMAIL")

    assert attempt(user.email) == attempt("ghost@example.test")
    assert db.session.scalar(select(User).where(User.email == "ghost@example.test")) is None
