"""Who may edit, deactivate or reactivate whose account: the one place for these rules.

- The certifier's admins: every account but their own (nobody locks themselves out).
- A centre's admin: the candidates and the other admins of their own centre. Jurors may
  serve several centres: only the certifier closes their account.
An account the user may not manage is not found (404): ids cannot be probed.
"""

from __future__ import annotations

from flask import abort

from ..accounts.models import Role, User
from ..core.access import is_admin
from ..extensions import db


def can_manage_account(actor, user: User) -> bool:
    if not is_admin(actor) or user.id == actor.id:
        return False
    if actor.role == Role.CERTIFIER_ADMIN:
        return True
    return (user.role in (Role.CANDIDATE, Role.CENTRE_ADMIN)
            and user.centre_id is not None and user.centre_id == actor.centre_id)


def load_account_for(actor, user_id: int) -> User:
    if not is_admin(actor):
        abort(403)
    user = db.session.get(User, user_id)
    if user is None or not can_manage_account(actor, user):
        abort(404)
    return user
