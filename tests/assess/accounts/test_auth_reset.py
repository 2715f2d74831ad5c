"""Password reset: same answer for every address, e-mailed link, new password, one use."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from assess.accounts.passwords import verify_password
from assess.audit.models import AuditEvent
from assess.notifications.models import Notification
from tests.assess.accounts.auth_helpers import flashes, link_path, logged_in_id
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "nouvelle phrase secrète"


def _forgot(client, email, address="10.0.0.1"):
    return client.post("/password/forgot", data={"email": email},
                       environ_base={"REMOTE_ADDR": address})


def _notifications(db) -> int:
    return db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.event == "password_reset"))


def test_forgot_page_is_open_to_anonymous_and_users(client, make_user, as_user):
    html = client.get("/password/forgot").get_data(as_text=True)
    assert 'autocomplete="username"' in html and "autofocus" in html
    as_user(make_user("juror"))
    assert client.get("/password/forgot").status_code == 200


def test_reset_end_to_end(client, make_user, db, mail_outbox):
    user = make_user("juror")
    response = _forgot(client, user.email.upper())
    assert response.status_code == 302 and response.location == "/login"
    assert _notifications(db) == 1
    assert len(mail_outbox) == 1 and mail_outbox[0]["To"] == user.email
    path = link_path(mail_outbox[0].get_body(("plain",)).get_content(), "/password/reset/")

    page = client.get(path)
    assert page.status_code == 200
    assert "Choisissez un nouveau mot de passe" in page.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert logged_in_id(client) == str(user.id)
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "account.password_reset")).object_id == user.id

    client.post("/logout")
    assert client.get(path).status_code == 400  # one use only
    old = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert old.status_code == 200 and logged_in_id(client) is None
    assert client.post("/login", data={"email": user.email,
                                       "password": NEW_PASSWORD}).status_code == 302


def test_no_enumeration_same_answer_for_unknown_email(client, make_user, db, mail_outbox):
    user = make_user("juror")
    known = _forgot(client, user.email)
    known_flashes = flashes(client)
    with client.session_transaction() as sess:
        sess.pop("_flashes", None)
    unknown = _forgot(client, "nobody@example.test")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert known.get_data() == unknown.get_data()
    assert flashes(client) == known_flashes
    assert "Si un compte actif correspond" in known_flashes[0][1]
    assert _notifications(db) == 1 and len(mail_outbox) == 1


def test_no_mail_for_disabled_account(client, make_user, db, mail_outbox):
    user = make_user("juror", active=False)
    assert _forgot(client, user.email).status_code == 302
    assert _notifications(db) == 0 and mail_outbox == []


def test_invited_account_may_use_reset_to_choose_a_password(client, make_user, mail_outbox):
    user = make_user("juror", password=None)
    _forgot(client, user.email)
    path = link_path(mail_outbox[0].get_body(("plain",)).get_content(), "/password/reset/")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert logged_in_id(client) == str(user.id)


def test_expired_reset_link(client, make_user, mail_outbox, app):
    user = make_user("juror")
    _forgot(client, user.email)
    path = link_path(mail_outbox[0].get_body(("plain",)).get_content(), "/password/reset/")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ce lien a expiré" in html and "Demander un nouveau lien" in html


def test_reset_link_dies_when_password_changes_otherwise(client, make_user, mail_outbox, db):
    user = make_user("juror")
    _forgot(client, user.email)
    path = link_path(mail_outbox[0].get_body(("plain",)).get_content(), "/password/reset/")
    user.password_hash = "changed"
    db.session.commit()
    assert client.get(path).status_code == 400


def test_same_second_requests_send_one_mail(client, make_user, db, mail_outbox, monkeypatch):
    user = make_user("juror")
    # Frozen clock: both requests fall in the same second (a real double click usually
    # does; leaving it to the wall clock made this test flaky at a second's boundary).
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)
    _forgot(client, user.email)
    _forgot(client, user.email)  # same token within a second: same notification key
    assert _notifications(db) == 1 and len(mail_outbox) == 1


def test_mails_per_account_are_capped_silently(client, make_user, db, mail_outbox,
                                               monkeypatch):
    user = make_user("juror")
    clock = iter(range(int(time.time()), int(time.time()) + 100))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(clock))
    answers = {(_forgot(client, user.email, f"10.0.2.{n}").status_code) for n in range(5)}
    assert answers == {302}
    assert _notifications(db) == 3 and len(mail_outbox) == 3


def test_forgot_is_throttled_per_address(client, make_user, app, mail_outbox):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        assert _forgot(client, f"x{n}@example.test", "10.0.0.9").status_code == 302
    user = make_user("juror")
    response = _forgot(client, user.email, "10.0.0.9")
    assert response.status_code == 429
    assert "Patientez" in response.get_data(as_text=True)
    assert mail_outbox == []
    assert _forgot(client, user.email, "10.0.0.10").status_code == 302


def test_reset_requests_do_not_count_as_login_failures(client, make_user, app):
    user = make_user("juror")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        _forgot(client, f"x{n}@example.test")
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 302


def test_a_reset_request_is_stored_as_such_with_the_plain_address(client, make_user, db):
    from assess.accounts.models import LoginFailure, ThrottleKind

    user = make_user("juror")
    _forgot(client, user.email.upper())
    client.post("/login", data={"email": user.email, "password": "wrong-password"})
    rows = db.session.query(LoginFailure.kind, LoginFailure.email).order_by(LoginFailure.id).all()
    assert rows == [(ThrottleKind.RESET, user.email), (ThrottleKind.LOGIN, user.email)]
