"""The JSON side of the grille's autosave (views.draft): reading the request, answering.

The script (static/js/grading-draft.js) posts ``{"version": n, "fields": {name: value}}``
with the names of the HTML form's fields, so that the same form validates both. It reads
``code`` in every refusal: "login" (401, the login session ended: the page says so and
keeps the typing in the browser), "csrf" (400), "stale" (409, with the saved version),
"locked" (409), "invalid" (422), "forbidden" (403).
"""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from ..accounts.models import Role
from ..extensions import csrf
from .operations import sheet_values, sheet_version, stored_values

MAX_FIELDS = 400  # far above any bloc (5 fields × criteria + 2): a bigger body is crafted


def answer(status: int, **body):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def expired_message() -> str:
    return _("Votre session a expiré. Reconnectez-vous : ce que vous avez saisi est gardé "
             "dans ce navigateur.")


def refuse_request(user):
    """A JSON answer when the request may not go on (never a redirect to the login page,
    which a script cannot follow); None when it may."""
    if not getattr(user, "is_authenticated", False):
        return answer(401, code="login", message=expired_message(),
                      login_url=url_for("auth.login", next=request.referrer or None))
    if user.role != Role.JUROR:
        return answer(403, code="forbidden", message=_("Accès refusé."))
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf.protect()  # reads the X-CSRFToken header
        except CSRFError:
            return answer(400, code="csrf", message=expired_message(),
                          login_url=url_for("auth.login", next=request.referrer or None))
    return None


def read_payload(body) -> tuple[dict[str, str], str] | None:
    """(fields, version) from the posted JSON, or None if it is not what the script sends."""
    if not isinstance(body, dict):
        return None
    fields, version = body.get("fields"), body.get("version")
    if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        return None
    if not all(isinstance(k, str) and isinstance(v, str | bool | None) for k, v in fields.items()):
        return None
    if not isinstance(version, int | str) or isinstance(version, bool):
        return None
    return fields, str(version)


def formdata(fields: dict, version: str) -> MultiDict:
    """The posted fields as the HTML form would post them (a checkbox unticked is absent)."""
    data = MultiDict({"version": version})
    for name, value in fields.items():
        if value is None or value is False or name in ("version", "csrf_token", "action"):
            continue
        data[name] = "y" if value is True else value
    return data


def invalid(form):
    errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
    return answer(422, code="invalid", errors=errors,
                  message=_("La grille n'a pas été enregistrée : corrigez les champs "
                            "signalés."))


def stale(assignment):
    """409 with what is saved now, so that the page can show it beside the typing."""
    sheet = assignment.sheet
    fields = {}
    for criterion_id, line in stored_values(sheet).items():
        for name, value in line.items():
            fields[f"{name}_{criterion_id}"] = value or ""
    own = sheet_values(sheet)
    fields["overall_comment"] = own["overall_comment"]
    fields["candidate_absent"] = own["candidate_absent"]
    return answer(409, code="stale", version=sheet_version(sheet), saved=fields,
                  saved_at=_iso(sheet.updated_at if sheet else None),
                  message=_("La grille a été enregistrée depuis un autre onglet ou une autre "
                            "fenêtre : votre saisie n'a pas été enregistrée."))


def saved(sheet):
    return answer(200, version=sheet.version, saved_at=_iso(sheet.updated_at))


def _iso(moment) -> str | None:
    return moment.isoformat() + "Z" if moment is not None else None
