"""Navigation by role. An entry shows only if its endpoint exists and the role may use it."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.models import Role

ADMINS = (Role.CERTIFIER_ADMIN, Role.CENTRE_ADMIN)

NAV = (
    ("sessions.index", _l("Sessions"), ADMINS),
    ("centres.index", _l("Centres"), (Role.CERTIFIER_ADMIN,)),
    ("grading.index", _l("Mes évaluations"), (Role.JUROR,)),
    ("submissions.home", _l("Mes épreuves"), (Role.CANDIDATE,)),
    ("results.mine", _l("Mes résultats"), (Role.CANDIDATE,)),
    ("referential.public", _l("Référentiel"), ADMINS + (Role.JUROR,)),
)


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, roles in NAV:
        if current_user.role in roles and endpoint in current_app.view_functions:
            url = url_for(endpoint)
            items.append({"url": url, "label": label,
                          "active": request.path.startswith(url)})
    return items
