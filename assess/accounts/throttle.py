"""Throttling of login and password-reset attempts, stored in the database.

Kept in ``LoginFailure`` rather than in memory so that every web process (and
every machine of the distributed setup) sees the same counts. Each row says its
``kind``: failed logins and password-reset requests are counted apart.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from ..core.columns import utcnow
from ..extensions import db
from .models import LoginFailure, ThrottleKind


def client_address() -> str:
    return (request.remote_addr or "inconnue")[:64]


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW"])


def _wait_seconds(kind: ThrottleKind, condition, limit: int, now: datetime) -> int:
    """Seconds until fewer than ``limit`` rows match within the window (0: not blocked)."""
    since = now - _window()
    where = (LoginFailure.kind == kind, condition, LoginFailure.at > since)
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
    by_account = _wait_seconds(ThrottleKind.LOGIN, LoginFailure.email == email,
                               cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], now)
    by_address = _wait_seconds(ThrottleKind.LOGIN, LoginFailure.address == address,
                               cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"], now)
    return max(by_account, by_address)


def reset_wait(address: str) -> int:
    """Seconds before this address may ask for another password-reset e-mail (0: go)."""
    return _wait_seconds(ThrottleKind.RESET, LoginFailure.address == address,
                         current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"], utcnow())


def reset_allowed_for_account(email: str) -> bool:
    """Whether one more reset e-mail may go to this account (checked after recording)."""
    limit = current_app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]
    return _wait_seconds(ThrottleKind.RESET, LoginFailure.email == email, limit + 1,
                         utcnow()) == 0


def record_failure(email: str, address: str) -> None:
    _record(ThrottleKind.LOGIN, email, address)


def record_reset_request(email: str, address: str) -> None:
    _record(ThrottleKind.RESET, email, address)


def _record(kind: ThrottleKind, email: str, address: str) -> None:
    _purge()
    db.session.add(LoginFailure(kind=kind, email=email[:254], address=address))
    db.session.flush()


def clear(email: str) -> None:
    """A successful login forgets that account's failed logins (not the address's)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.kind == ThrottleKind.LOGIN,
                                                  LoginFailure.email == email))
    _purge()


def _purge() -> None:
    # Opportunistic: rows older than the window never count again.
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= utcnow() - _window()))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
