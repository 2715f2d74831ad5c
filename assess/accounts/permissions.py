"""Who may do what with accounts."""

from __future__ import annotations

from flask import current_app

from .models import User


def can_log_in(user: User) -> bool:
    """Active, password chosen, and, for a demo account, demos switched on."""
    if not user.active or not user.password_hash:
        return False
    return not user.is_demo or bool(current_app.config.get("DEMO_ALLOWED", False))
