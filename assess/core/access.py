"""Role checks and the scoping of queries to what a user may see.

Every feature asks here (or in its own permissions.py, built on these) rather
than re-deriving who may see what.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..accounts.models import Role

ADMIN_ROLES = (Role.CERTIFIER_ADMIN, Role.CENTRE_ADMIN)


class SystemActor:
    """The platform itself acting from the command line, with the certifier admin's rights:
    the audit trail records it as the system (no user id), never as a person."""

    id = None
    role = Role.CERTIFIER_ADMIN
    centre_id = None
    is_authenticated = True
    is_active = True
    full_name = "système"


SYSTEM = SystemActor()


def roles_required(*roles: Role):
    """Login required, then 403 unless the user has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_admin(user) -> bool:
    return user.is_authenticated and user.role in ADMIN_ROLES


def can_manage_centre(user, centre_id: int) -> bool:
    """A certifier admin manages every centre; a centre admin only their own."""
    if not user.is_authenticated:
        return False
    if user.role == Role.CERTIFIER_ADMIN:
        return True
    return user.role == Role.CENTRE_ADMIN and user.centre_id == centre_id
