"""Login throttling per account and per address, stored in the database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from assess.accounts import passwords
from assess.accounts.models import LoginFailure
from assess.core.columns import utcnow
from tests.assess.accounts.auth_helpers import logged_in_id
from tests.factories import DEFAULT_PASSWORD


def _post(client, email, password, address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _failures(db, **where) -> int:
    query = select(func.count(LoginFailure.id))
    for column, value in where.items():
        query = query.where(getattr(LoginFailure, column) == value)
    return db.session.scalar(query)


def _age_failures(db, seconds):
    db.session.execute(update(LoginFailure).values(at=utcnow() - timedelta(seconds=seconds)))
    db.session.commit()


def test_sixth_attempt_refused_even_with_right_password(client, make_user, db, monkeypatch):
    user = make_user("juror")
    for _ in range(5):
        assert _post(client, user.email, "wrong-password").status_code == 200
    assert _failures(db, email=user.email) == 5

    def must_not_verify(*args):
        raise AssertionError("the password must not be checked while throttled")

    monkeypatch.setattr(passwords, "verify_password", must_not_verify)
    monkeypatch.setattr("assess.accounts.operations.verify_password", must_not_verify)
    response = _post(client, user.email, DEFAULT_PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Patientez 15 minutes puis réessayez" in html
    assert '<form method="post" action="/login">' in html  # the form is still there
    assert logged_in_id(client) is None
    # Blocked attempts are not recorded: waiting is enough to get back in.
    assert _failures(db, email=user.email) == 5


def test_account_throttle_applies_from_any_address(client, make_user):
    user = make_user("juror")
    for n in range(5):
        _post(client, user.email, "wrong-password", address=f"10.0.1.{n}")
    assert _post(client, user.email, DEFAULT_PASSWORD, address="10.0.9.9").status_code == 429


def test_other_accounts_are_not_blocked_by_one_account(client, make_user):
    victim, other = make_user("juror"), make_user("juror")
    for _ in range(5):
        _post(client, victim.email, "wrong-password")
    assert _post(client, other.email, DEFAULT_PASSWORD).status_code == 302


def test_wait_time_reflects_oldest_failure(client, make_user, db):
    user = make_user("juror")
    for _ in range(5):
        _post(client, user.email, "wrong-password")
    _age_failures(db, 12 * 60)  # 3 minutes left in a 15-minute window
    html = _post(client, user.email, DEFAULT_PASSWORD).get_data(as_text=True)
    assert "Patientez 3 minutes" in html


def test_window_expiry_lets_the_account_in_again(client, make_user, db, app):
    user = make_user("juror")
    for _ in range(5):
        _post(client, user.email, "wrong-password")
    assert _post(client, user.email, DEFAULT_PASSWORD).status_code == 429
    _age_failures(db, app.config["LOGIN_THROTTLE_WINDOW"] + 1)
    assert _post(client, user.email, DEFAULT_PASSWORD).status_code == 302
    assert _failures(db) == 0  # expired rows purged


def test_success_clears_the_account_failures_only(client, make_user, db):
    user = make_user("juror")
    for _ in range(4):
        _post(client, user.email, "wrong-password")
    _post(client, "someone-else@example.test", "wrong-password")
    assert _post(client, user.email, DEFAULT_PASSWORD).status_code == 302
    assert _failures(db, email=user.email) == 0
    assert _failures(db, email="someone-else@example.test") == 1


def test_per_address_limit_with_varied_emails(client, make_user, app):
    user = make_user("juror")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        assert _post(client, f"guess{n}@example.test", "x", "10.0.0.7").status_code == 200
    response = _post(client, user.email, DEFAULT_PASSWORD, "10.0.0.7")
    assert response.status_code == 429
    assert "Patientez" in response.get_data(as_text=True)
    # Another address is not affected.
    assert _post(client, user.email, DEFAULT_PASSWORD, "10.0.0.8").status_code == 302


def test_failures_of_unknown_emails_are_recorded(client, db):
    _post(client, "Ghost@Example.test ", "x", "10.0.0.3")
    assert _failures(db, email="ghost@example.test", address="10.0.0.3") == 1


def test_old_rows_are_purged_on_the_next_failure(client, db, app):
    _post(client, "a@example.test", "x")
    _age_failures(db, app.config["LOGIN_THROTTLE_WINDOW"] + 60)
    _post(client, "b@example.test", "x")
    assert _failures(db) == 1
