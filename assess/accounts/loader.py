"""Flask-Login wiring: how a session finds its user, where anonymous users are sent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import login_manager
from . import login_sessions
from .models import User

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
login_manager.login_message_category = "info"
# Flashed messages go into the session cookie: translate them now, as plain strings.
login_manager.localize_callback = str


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, or None (anonymous) if the session was ended (logout elsewhere,
    password changed), the id is stale or the account disabled."""
    return login_sessions.load(user_id)
