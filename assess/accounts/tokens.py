"""Signed, expiring, single-use links (invitation, password reset).

The token carries a fingerprint of the current password hash: once the
password is set or changed, every earlier link stops working.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from .models import User

INVITATION = "invitation"
PASSWORD_RESET = "password-reset"


class TokenError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"assess-{purpose}")


def _fingerprint(user: User) -> str:
    return _fingerprint_of(user.password_hash)


def _fingerprint_of(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "unset").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return make_token_for(user.id, user.password_hash, purpose)


def make_token_for(user_id: int, password_hash: str | None, purpose: str) -> str:
    """A token for an account known by its id (an account just inserted in bulk)."""
    return _serializer(purpose).dumps({"uid": user_id, "fp": _fingerprint_of(password_hash)})


def read_token(token: str, purpose: str) -> User:
    """The user the link is for, or ``TokenError`` with a reason the user can act on."""
    max_age = current_app.config[
        "INVITATION_MAX_AGE" if purpose == INVITATION else "PASSWORD_RESET_MAX_AGE"
    ]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(_("Ce lien a expiré : demandez-en un nouveau.")) from exc
    except BadSignature as exc:
        raise TokenError(_("Ce lien n'est pas valide : vérifiez qu'il a été copié en entier.")) from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise TokenError(_("Ce lien a déjà été utilisé ou n'est plus valide : demandez-en un nouveau."))
    return user


def link(endpoint_path: str, token: str) -> str:
    """An absolute link for an e-mail (the worker has no request to build it from)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}{endpoint_path}{token}"
