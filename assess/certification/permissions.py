"""Who may change the certification's settings: the certifier's admins only."""

from __future__ import annotations

from ..accounts.models import Role


def can_edit_certification(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CERTIFIER_ADMIN
