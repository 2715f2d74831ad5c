"""Throttling of login and password-reset attempts, stored in the database.

Kept in ``LoginFailure`` rather than in memory so that every web process (and
every machine of the distributed setup) sees the same counts. Each row says its
``kind``: failed logins and password-reset requests are counted apart.

Counting and checking is one step (``reserve``): the attempt is written first, then
counted with the others under a lock (SQLite: the write itself takes the database's;
PostgreSQL: transaction-scoped advisory locks on the account and the address), so forty
parallel guesses are as many checks as forty sequential ones, not more.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select, text

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


def _lock(*keys: str) -> None:
    """Serialise the attempts that share a key until this transaction ends (PostgreSQL;
    on SQLite the INSERT that follows takes the database's write lock)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for key in sorted(keys):  # one order for everybody: no deadlock
            db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})


def reserve_login(email: str, address: str) -> int:
    """Take one login attempt on this account from this address: 0 when it may go ahead,
    else the seconds to wait (refused before the password is even looked at). The attempt
    counts as a failure until ``forgive`` removes it (the password was right)."""
    cfg = current_app.config
    _lock(f"login:email:{email}", f"login:address:{address}")
    row = _record(ThrottleKind.LOGIN, email, address)
    now = utcnow()
    # The attempt's own row counts: one more than the limit.
    wait = max(_wait_seconds(ThrottleKind.LOGIN, LoginFailure.email == email,
                             cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"] + 1, now),
               _wait_seconds(ThrottleKind.LOGIN, LoginFailure.address == address,
                             cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"] + 1, now))
    if wait:
        db.session.delete(row)  # a refused attempt is no failure of its own
        db.session.flush()
    return wait


def forgive(email: str) -> None:
    """A successful login forgets that account's failed logins (its own attempt included),
    not the address's."""
    clear(email)


def reserve_reset(email: str, address: str) -> tuple[int, bool]:
    """Take one password-reset request from this address: (seconds to wait, False) when
    refused, else (0, whether one more e-mail may go to this account)."""
    cfg = current_app.config
    _lock(f"reset:address:{address}", f"reset:email:{email}")
    row = _record(ThrottleKind.RESET, email, address)
    now = utcnow()
    wait = _wait_seconds(ThrottleKind.RESET, LoginFailure.address == address,
                         cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"] + 1, now)
    if wait:
        db.session.delete(row)
        db.session.flush()
        return wait, False
    mail_allowed = _wait_seconds(ThrottleKind.RESET, LoginFailure.email == email,
                                 cfg["PASSWORD_RESET_MAX_PER_ACCOUNT"] + 1, now) == 0
    return 0, mail_allowed


def _record(kind: ThrottleKind, email: str, address: str) -> LoginFailure:
    _purge()
    row = LoginFailure(kind=kind, email=email[:254], address=address)
    db.session.add(row)
    db.session.flush()
    return row


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
