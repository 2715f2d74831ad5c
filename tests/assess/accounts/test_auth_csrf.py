"""CSRF protection, switched back on: every POST without the token is refused."""

from __future__ import annotations

import re

import pytest

from tests.assess.accounts.auth_helpers import logged_in_id
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf token on the page"
    return match.group(1)


def test_login_without_token_refused(client, make_user):
    user = make_user("juror")
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "jeton de sécurité" in response.get_data(as_text=True)
    assert logged_in_id(client) is None


def test_login_with_token_works(client, make_user):
    user = make_user("juror")
    token = _token(client)
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert logged_in_id(client) == str(user.id)


def test_logout_without_token_refused_with_token_works(client, make_user, as_user):
    user = make_user("juror")
    as_user(user)
    assert client.post("/logout").status_code == 400
    assert logged_in_id(client) == str(user.id)
    token = _token(client, "/password/forgot")  # any page: the layout carries one
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert logged_in_id(client) is None


def test_language_switch_without_token_refused_with_token_works(client):
    assert client.post("/langue", data={"lang": "en"}).status_code == 400
    token = _token(client)
    response = client.post("/langue", data={"lang": "en", "next": "/login",
                                            "csrf_token": token})
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert sess["lang"] == "en"


def test_forgot_password_without_token_refused(client):
    assert client.post("/password/forgot", data={"email": "a@example.test"}).status_code == 400
