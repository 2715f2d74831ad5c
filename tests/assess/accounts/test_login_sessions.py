"""Defect: a session cookie copied before logout (or before a password reset) still
opened the account. Sessions are now the server's: ending one ends it wherever the cookie
went. Each case replays a copied cookie from another browser and another address."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from assess.accounts.models import LoginSession
from tests.assess.accounts.auth_helpers import link_path
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "un-tout-nouveau-mot-de-passe"
ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def browser(app):
    """browser() -> a new test client: another browser, with its own cookie jar."""
    from tests.conftest import FreshUserClient

    app.test_client_class = FreshUserClient
    return app.test_client


def _sign_in(client, user, password=DEFAULT_PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get_cookie("session").value


def _replay(browser, cookie: str, path: str):
    """The copied cookie, used from another browser at another address."""
    thief = browser()
    thief.set_cookie("session", cookie)
    return thief.get(path, environ_base=ELSEWHERE)


def test_a_copied_cookie_works_while_the_session_is_open(client, browser, make_user):
    user = make_user("juror")
    cookie = _sign_in(client, user)
    assert _replay(browser, cookie, "/jury/").status_code == 200  # the threat is real


def test_logout_ends_the_session_for_a_copied_cookie_too(client, browser, make_user, db):
    user = make_user("juror")
    cookie = _sign_in(client, user)
    client.post("/logout")
    response = _replay(browser, cookie, "/jury/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(LoginSession.id))
                             .where(LoginSession.ended_at.is_(None))) == 0


def test_a_password_reset_ends_every_session(client, browser, make_user, mail_outbox):
    user = make_user("candidate")
    cookie = _sign_in(browser(), user)  # signed in somewhere
    client.post("/password/forgot", data={"email": user.email})
    path = link_path(mail_outbox[0].get_body(("plain",)).get_content(), "/password/reset/")
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
                       ).status_code == 302
    response = _replay(browser, cookie, "/candidat/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/candidat/").status_code == 200  # who reset it is signed in


def test_deactivating_an_account_ends_its_sessions_at_once(client, browser, make_user, db):
    from assess.accounts.operations import deactivate
    from assess.unit_of_work import perform

    admin, user = make_user("certifier_admin"), make_user("juror")
    cookie = _sign_in(client, user)
    assert perform(deactivate, admin, user, "a quitté le jury").ok
    response = _replay(browser, cookie, "/jury/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(LoginSession.id)).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))) == 0


def test_logout_everywhere_ends_every_browsers_session(client, browser, make_user):
    user = make_user("juror")
    other = _sign_in(browser(), user)
    _sign_in(client, user)
    page = client.get("/compte").get_data(as_text=True)
    assert page.count("cette session") == 1 and "Se déconnecter partout" in page
    response = client.post("/compte/deconnexion-partout")
    assert response.status_code == 302
    assert client.get("/jury/").status_code == 302
    assert _replay(browser, other, "/jury/").status_code == 302


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, browser,
                                                                     make_user):
    user = make_user("juror")
    other = _sign_in(browser(), user)
    _sign_in(client, user)
    wrong = client.post("/compte", data={"current": "pas-le-bon-mot", "password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD})
    assert "actuel n'est pas le bon" in html.unescape(wrong.get_data(as_text=True))
    assert _replay(browser, other, "/jury/").status_code == 200  # nothing changed yet
    done = client.post("/compte", data={"current": DEFAULT_PASSWORD, "password": NEW_PASSWORD,
                                        "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/jury/").status_code == 200
    assert _replay(browser, other, "/jury/").status_code == 302


def test_a_cookie_of_the_earlier_format_opens_nothing(client, make_user):
    user = make_user("juror")
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)  # what the earlier code stored
    assert client.get("/jury/").status_code == 302


def test_only_a_hash_of_the_token_is_stored(client, make_user, db):
    user = make_user("juror")
    _sign_in(client, user)
    with client.session_transaction() as sess:
        token = sess["_user_id"].partition(":")[2]
    row = db.session.scalar(select(LoginSession))
    assert token and token not in row.token_hash and len(row.token_hash) == 64
