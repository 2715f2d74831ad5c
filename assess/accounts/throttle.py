"""Throttling of login and password-reset attempts, stored in the database.

Kept in ``LoginFailure`` rather than in memory so that every web process (and
every machine of the distributed setup) sees the same counts. Password-reset
requests use the same table with the e-mail prefixed by ``reset:``, so that
they are counted apart from login failures.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, not_, select

from ..core.columns import utcnow
from ..extensions import db
from .models import LoginFailure

RESET_PREFIX = "reset:"
# Reset e-mails sent to one account per window: enough for a lost e-mail, not a mail bomb.


def client_address() -> str:
    return (request.remote_addr or "inconnue")[:64]


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW"])


def _wait_seconds(condition, limit: int, now: datetime) -> int:
    """Seconds until fewer than ``limit`` rows match within the window (0: not blocked)."""
    since = now - _window()
    where = (condition, LoginFailure.at > since)
    count = db.session.scalar(select(func.count(LoginFailure.id)).where(*where))
    if count < limit:
        return 0
    # The oldest rows leave the window first; once (count - limit + 1) have gone, it reopens.
    release = db.session.scalar(
        select(LoginFailure.at).where(*where).order_by(LoginFailure.at)
        .offset(count - limit).limit(1)
    )
    return max(1, int((release + _window() - now).total_seconds()))


def login_wait(email: str, address: str) -> int:
    """Seconds to wait before this account may be tried again from this address (0: go)."""
    cfg = current_app.config
    now = utcnow()
    by_account = _wait_seconds(LoginFailure.email == email,
                               cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], now)
    by_address = _wait_seconds(
        (LoginFailure.address == address) & not_(LoginFailure.email.startswith(RESET_PREFIX)),
        cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"], now,
    )
    return max(by_account, by_address)


def reset_wait(address: str) -> int:
    """Seconds before this address may ask for another password-reset e-mail (0: go)."""
    return _wait_seconds(
        (LoginFailure.address == address) & LoginFailure.email.startswith(RESET_PREFIX),
        current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"], utcnow(),
    )


def reset_allowed_for_account(email: str) -> bool:
    """Whether one more reset e-mail may go to this account (checked after recording)."""
    limit = current_app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]
    return _wait_seconds(LoginFailure.email == RESET_PREFIX + email, limit + 1, utcnow()) == 0


def record_failure(email: str, address: str) -> None:
    _purge()
    db.session.add(LoginFailure(email=email[:254], address=address))
    db.session.flush()


def record_reset_request(email: str, address: str) -> None:
    record_failure((RESET_PREFIX + email)[:254], address)


def clear(email: str) -> None:
    """A successful login forgets that account's failures (not the address's)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    _purge()


def _purge() -> None:
    # Opportunistic: rows older than the window never count again.
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= utcnow() - _window()))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
