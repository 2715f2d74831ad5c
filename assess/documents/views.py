"""Documents: the candidate's page and downloads, the certifier's list (revoke,
regenerate), the public verification page and the badge key set."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..core.access import ADMIN_ROLES, roles_required
from ..extensions import limiter
from ..i18n import day
from ..signing.badge_key import jwks as badge_jwks
from ..unit_of_work import perform
from . import operations, queries, tasks  # noqa: F401  (tasks: registers its handler)
from .codes import grouped, normalise
from .forms import RevokeForm
from .models import DocumentKind
from .permissions import can_manage, load_document_for, load_document_to_manage

bp = Blueprint("documents", __name__)

PRIVATE_FILE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@bp.app_template_filter("document_kind")
def kind_label(kind) -> str:
    return {DocumentKind.BLOC: _("Attestation de bloc de compétences"),
            DocumentKind.TITLE: _("Certificat (titre)")}.get(DocumentKind(str(kind)), str(kind))


@bp.app_template_filter("document_day")
def _iso_day(value: str | None) -> str:
    """A date recorded in a document's facts (ISO text), as a long date."""
    return day(date.fromisoformat(value)) if value else ""


@bp.app_template_filter("verification_code")
def _grouped(code: str) -> str:
    return grouped(code)


def _filename(document, extension: str) -> str:
    what = "certificat" if document.kind == DocumentKind.TITLE else (
        f"attestation-bloc-{document.block.number}")
    return f"{what}-{document.code[:8].lower()}.{extension}"


# -- the candidate --------------------------------------------------------------
@bp.get("/mes-documents")
@roles_required(Role.CANDIDATE)
def mine():
    return render_template("documents/mine.html",
                           rows=queries.candidate_documents(current_user))


@bp.get("/documents/<int:document_id>/document.pdf")
@login_required
def download_pdf(document_id: int):
    """The sealed PDF, for its holder and the admins who see it; 404 for anyone else."""
    document = load_document_for(current_user, document_id)
    return Response(document.pdf, mimetype="application/pdf", headers={
        **PRIVATE_FILE,
        "Content-Disposition": f'attachment; filename="{_filename(document, "pdf")}"'})


@bp.get("/documents/<int:document_id>/badge.jwt")
@login_required
def download_badge(document_id: int):
    """The Open Badges 3.0 credential, signed (VC-JWT)."""
    document = load_document_for(current_user, document_id)
    return Response(document.badge_jwt, mimetype="application/jwt", headers={
        **PRIVATE_FILE,
        "Content-Disposition": f'attachment; filename="{_filename(document, "jwt")}"'})


# -- the certifier and the centres ------------------------------------------------
@bp.get("/documents")
@roles_required(*ADMIN_ROLES)
def index():
    text = request.args.get("q", "", type=str)[:200]
    number = max(request.args.get("page", 1, type=int), 1)
    rows, total = queries.page(current_user, text, number)
    return render_template("documents/index.html", rows=rows, total=total, page=number,
                           pages=queries.pages(total), q=text,
                           manage=can_manage(current_user))


@bp.route("/documents/<int:document_id>/revoquer", methods=["GET", "POST"])
@roles_required(Role.CERTIFIER_ADMIN)
def revoke(document_id: int):
    document = load_document_to_manage(current_user, document_id)
    form = RevokeForm()
    status = 200
    if request.method == "POST" and not document.revoked:
        if form.validate():
            outcome = perform(operations.revoke, current_user, document, form.reason.data)
            if outcome.ok:
                flash(_("Document révoqué : sa page de vérification l'indique désormais."),
                      "success")
                return redirect(url_for(".index", q=document.code))
            flash(outcome.reason, "error")
        status = 422
    return render_template("documents/revoke.html", document=document, form=form), status


@bp.post("/documents/<int:document_id>/regenerer")
@roles_required(Role.CERTIFIER_ADMIN)
def regenerate(document_id: int):
    document = load_document_to_manage(current_user, document_id)
    outcome = perform(operations.regenerate, current_user, document)
    if not outcome.ok:
        flash(outcome.reason, "error")
    elif outcome.value.identical:
        flash(_("Document régénéré à l'identique depuis les faits enregistrés (même "
                "empreinte SHA-256).") + (" " + _("Le fichier conservé était altéré : il a "
                                              "été remplacé.") if outcome.value.repaired
                                          else ""), "success")
    else:
        flash(_("Le document régénéré diffère de celui délivré (moteur PDF ou clé de "
                "scellement changés ?) : l'original est conservé, l'écart est consigné dans "
                "le journal."), "error")
    return redirect(url_for(".index", q=document.code))


# -- public -----------------------------------------------------------------------
def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.get("/verify/<path:code>")
@limiter.limit(_verify_limit)
def verify(code: str):
    """Anyone may check a document: authentic or revoked, and what it attests. An unknown
    code (forged, truncated, anything) gets the same « document inconnu » page."""
    normalised = normalise(code)
    document = queries.by_code(normalised) if normalised else None
    headers = {"Cache-Control": "no-cache", "X-Robots-Tag": "noindex, nofollow",
               "Referrer-Policy": "no-referrer"}
    if document is None:
        return render_template("documents/verify.html", document=None), 404, headers
    return render_template("documents/verify.html", document=document,
                           f=document.facts), 200, headers


@bp.get("/.well-known/jwks.json")
def jwks():
    """The public key that signs the platform's badges (JWK Set)."""
    response = jsonify(badge_jwks())
    response.mimetype = "application/jwk-set+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
