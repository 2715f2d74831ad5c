"""Labels of the account pages and of the roles, wherever a role is named."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Role

ROLE_LABELS = {
    Role.CERTIFIER_ADMIN: _l("administrateur certificateur"),
    Role.CENTRE_ADMIN: _l("administrateur de centre"),
    Role.JUROR: _l("membre du jury"),
    Role.CANDIDATE: _l("candidat"),
}


def role_label(role) -> str:
    return str(ROLE_LABELS.get(Role(role), role))
