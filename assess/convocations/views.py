"""Sending a session's convocations (admins) and reading one (its candidate, admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..sessions.permissions import load_session_for
from ..storage import get_storage
from ..unit_of_work import perform
from . import subscriptions  # noqa: F401  (convocations follow the calendar)
from .operations import send_convocations
from .permissions import load_convocation_for

bp = Blueprint("convocations", __name__)


@bp.post("/sessions/<int:session_id>/convocations")
@roles_required(*ADMIN_ROLES)
def send(session_id: int):
    session = load_session_for(current_user, session_id)
    outcome = perform(send_convocations, current_user, session)
    if outcome.ok:
        counts = outcome.value
        flash(_("Convocations : %(new)d envoyée(s), %(changed)d modifiée(s), %(same)d déjà à "
                "jour. Les e-mails partent dans quelques instants.", new=counts["new"],
                changed=counts["changed"], same=counts["unchanged"]), "success")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for("sessions.show", session_id=session.id))


@bp.get("/convocations/<int:convocation_id>.pdf", defaults={"fmt": "pdf"})
@bp.get("/convocations/<int:convocation_id>.ics", defaults={"fmt": "ics"})
@roles_required(*ADMIN_ROLES, Role.CANDIDATE)
def download(convocation_id: int, fmt: str):
    convocation = load_convocation_for(current_user, convocation_id)
    key = convocation.pdf_key if fmt == "pdf" else convocation.ics_key
    if key is None:
        abort(404)
    d = convocation.details
    name = f"convocation-bloc{d['bloc']}-{d['part']}-v{convocation.version}.{fmt}"
    return send_file(get_storage().open(key), as_attachment=fmt == "ics",
                     mimetype="application/pdf" if fmt == "pdf" else "text/calendar",
                     download_name=name)
