"""Who sets the retention periods and sees the purges: the certifier's admins only."""

from __future__ import annotations

from ..accounts.models import Role


def can_manage_retention(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CERTIFIER_ADMIN
