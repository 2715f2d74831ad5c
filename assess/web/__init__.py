"""App-wide pieces: home, health check, language switch, error pages, navigation."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, abort, current_app, render_template, request, session
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import default_exceptions

from ..accounts.labels import role_label
from ..extensions import db
from ..submissions.labels import human_size
from ..unit_of_work import CONFLICT_MESSAGE, CommitUncertain, lost_connection
from .nav import nav_items

ERRORS = {
    400: (_l("Requête invalide"), _l("La requête n'a pas pu être comprise. Rechargez la page et réessayez.")),
    403: (_l("Accès refusé"), _l("Vous n'avez pas accès à cette page avec ce compte.")),
    404: (_l("Page introuvable"), _l("Cette page n'existe pas ou ne vous est pas accessible.")),
    409: (_l("Modification concurrente"), _l("Ces données ont été modifiées entre-temps. Rechargez la page.")),
    413: (_l("Fichier trop volumineux"), _l("Le fichier dépasse la taille autorisée. Réduisez-le (PDF compressé) et déposez-le de nouveau.")),
    422: (_l("Saisie refusée"), _l("Les données envoyées ne peuvent pas être enregistrées. Revenez en arrière, corrigez-les et renvoyez le formulaire.")),
    431: (_l("En-têtes trop volumineux"), _l("Votre navigateur envoie des cookies trop volumineux pour ce site : supprimez les cookies de ce site dans les réglages du navigateur, puis rechargez la page.")),
    429: (_l("Trop de tentatives"), _l("Trop de tentatives en peu de temps. Patientez quelques minutes puis réessayez.")),
    500: (_l("Erreur interne"), _l("Une erreur inattendue est survenue. Réessayez ; si elle persiste, contactez l'administrateur.")),
    503: (_l("Service momentanément indisponible"), _l("La base de données ne répond pas pour l'instant : réessayez dans une minute. Rien n'a été enregistré.")),
}
COMMIT_UNCERTAIN = _l("La connexion à la base de données a été perdue au moment d'enregistrer : "
                      "votre action a peut-être été enregistrée. Vérifiez-le avant de la refaire.")
# Posted fields never shown back: secrets and the machinery of the forms.
_NOT_SHOWN = re.compile(r"^(csrf_token|password|confirm|current|next|action|version|p\d+_version)$")

log = logging.getLogger(__name__)

# Werkzeug's generic (English) texts: replaced by ours, never shown.
_WERKZEUG = {code: default_exceptions[code].description for code in ERRORS}


# Everything is served by the app itself: nothing may load from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def typed_text() -> list[tuple[str, str]]:
    """What the user typed in the form this request posted (not passwords nor hidden
    machinery), to show it back on an error page so that nothing typed is lost."""
    if request.method != "POST":
        return []
    return [(name, value) for name, value in request.form.items(multi=True)
            if value.strip() and not _NOT_SHOWN.match(name)]


def error_page(code: int, title, message, kept=()):
    """The app's error page; if even that cannot be rendered (the database is gone, a
    template fails), a bare page in the same words, still through the app (its headers)."""
    try:
        return render_template("errors/error.html", code=code, title=title,
                               message=message, kept=kept), code
    except Exception:  # the page that says something went wrong must not fail itself
        log.exception("the error page %s could not be rendered", code)
        body = (f"<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>{escape(title)}"
                f"</title><h1>{escape(title)}</h1><p>{escape(message)}</p></html>")
        return Response(body, code, mimetype="text/html")


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)  # a view may set a stricter one
    # A page for a signed-in user is never kept by a browser or a proxy cache. (The
    # cookie's claim is enough to decide: no need to load the user for it.)
    if "_user_id" in session and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_oversized_headers():
    """Headers larger than MAX_REQUEST_HEADER_BYTES (typically a cookie grown out of hand)
    get the app's 431 page, with its headers, rather than the server's bare one."""
    limit = current_app.config["MAX_REQUEST_HEADER_BYTES"]
    if sum(len(k) + len(v) + 4 for k, v in request.headers.items()) > limit:
        abort(431)


def init_app(app: Flask) -> None:
    app.after_request(_security_headers)
    app.before_request(_refuse_oversized_headers)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        nav_items=nav_items, role_label=role_label, current_locale=lambda: str(get_locale())
    )

    def handle(error):
        # A failed request may have left its transaction broken: roll back before rendering
        # (the page itself may read the database, e.g. for the current user).
        db.session.rollback()
        code = getattr(error, "code", 500) or 500
        title, message = ERRORS.get(code, ERRORS[500])
        # A view may abort with its own explanation (abort(409, _("…"))): show it rather
        # than the generic text. Werkzeug's English default never is (in debug mode a
        # missing form key appends to it, hence startswith).
        description = str(getattr(error, "description", None) or "")
        if code in (400, 403, 409, 422) and description and not description.startswith(
                _WERKZEUG[code]):
            message = description
        if code == 413:  # say the limit, with or without JavaScript
            message = gettext("Le fichier dépasse la taille autorisée (%(size)s au maximum). "
                         "Réduisez-le (images compressées, par exemple) et déposez-le de "
                         "nouveau.", size=human_size(current_app.config["MAX_UPLOAD_BYTES"]))
        return error_page(code, title, message)

    for code in ERRORS:
        app.register_error_handler(code, handle)

    def conflict(_error):
        # A version or unique check that no operation caught (views use perform()):
        # still a conflict for the user, never a 500.
        db.session.rollback()
        return error_page(409, ERRORS[409][0], CONFLICT_MESSAGE)

    app.register_error_handler(StaleDataError, conflict)
    app.register_error_handler(IntegrityError, conflict)

    def database_unavailable(error):
        # The request was already run twice (retry_on_lost_connection), or the database
        # refuses connections: say so in French, and give back what was typed.
        if not (isinstance(error, OperationalError) or lost_connection(error)):
            raise error
        db.session.rollback()
        return error_page(503, *ERRORS[503], kept=typed_text())

    def commit_uncertain(_error):
        db.session.rollback()
        return error_page(503, ERRORS[503][0], COMMIT_UNCERTAIN, kept=typed_text())

    app.register_error_handler(DBAPIError, database_unavailable)
    app.register_error_handler(CommitUncertain, commit_uncertain)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(400, _l("Formulaire expiré"),
                          _l("Le jeton de sécurité du formulaire est absent ou expiré. "
                             "Rechargez la page et renvoyez le formulaire."))
