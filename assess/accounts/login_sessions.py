"""Login sessions the server can end: logout ends this browser's, a password change ends
all of the account's, and so does deactivating the account.

The session cookie carries ``"<user id>:<token>"`` (Flask-Login's user id); only the
SHA-256 of the token is stored, so a database leak opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..core.columns import utcnow
from ..extensions import db
from .models import LoginSession, User

# last_seen_at is written at most this often, so that reading a page writes nothing.
TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, address: str, user_agent: str) -> str:
    """A new login session for ``user``; returns the token for the cookie (and sets it on
    the user object, whose ``get_id`` Flask-Login stores)."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(user_id=user.id, token_hash=_hash(token), address=address[:64],
                       user_agent=(user_agent or "")[:200])
    db.session.add(row)
    db.session.flush()
    user.session_token, user.login_session_id = token, row.id
    return token


def load(cookie_id: str) -> User | None:
    """The active user of an open session named by the cookie's id, else None."""
    user_id, _, token = (cookie_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    found = db.session.execute(
        select(User, LoginSession.id, LoginSession.last_seen_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == int(user_id), LoginSession.token_hash == _hash(token),
               LoginSession.ended_at.is_(None))
    ).one_or_none()
    if found is None or not found[0].active:
        return None
    user, session_id, last_seen = found
    user.session_token, user.login_session_id = token, session_id
    if last_seen < utcnow() - TOUCH_EVERY:
        _touch(session_id)
    return user


def _touch(session_id: int) -> None:
    # Its own short transaction: the request's unit of work stays the request's.
    with db.engine.begin() as conn:
        conn.execute(update(LoginSession).where(LoginSession.id == session_id)
                     .values(last_seen_at=utcnow()))


def end(session_id: int | None) -> None:
    """End one session (logout)."""
    if session_id is not None:
        db.session.execute(update(LoginSession)
                           .where(LoginSession.id == session_id, LoginSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))


def end_all(user: User, keep: int | None = None) -> int:
    """End every open session of ``user`` (but ``keep``); returns how many were open."""
    query = (update(LoginSession)
             .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)))
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    return db.session.execute(query.values(ended_at=utcnow())).rowcount


def open_sessions(user: User) -> list[LoginSession]:
    return list(db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id,
                                   LoginSession.ended_at.is_(None))
        .order_by(LoginSession.last_seen_at.desc())))
