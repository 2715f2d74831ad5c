"""Navigation by role: the entries a role may use."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES as ADMINS

NAV = (
    ("sessions.index", _l("Sessions"), ADMINS),
    ("centres.index", _l("Centres"), (Role.CERTIFIER_ADMIN,)),
    ("certification.settings", _l("Certification"), (Role.CERTIFIER_ADMIN,)),
    ("cpf.index", _l("Déclaration CPF"), (Role.CERTIFIER_ADMIN,)),
    ("documents.index", _l("Documents délivrés"), ADMINS),
    ("statistics.index", _l("Statistiques"), ADMINS),
    ("grading.index", _l("Mes évaluations"), (Role.JUROR,)),
    ("submissions.home", _l("Mes épreuves"), (Role.CANDIDATE,)),
    ("results.mine", _l("Mes résultats"), (Role.CANDIDATE,)),
    ("documents.mine", _l("Mes documents"), (Role.CANDIDATE,)),
    ("privacy.mine", _l("Mes données"), (Role.CANDIDATE,)),
    ("referential.public", _l("Référentiel"), ADMINS + (Role.JUROR,)),
)


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, roles in NAV:
        if current_user.role in roles:
            url = url_for(endpoint)
            items.append({"url": url, "label": label,
                          "active": request.path.startswith(url)})
    return items
