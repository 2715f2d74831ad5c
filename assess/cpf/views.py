"""The certifier's CPF page: the holders of a period with the state of their declaration
and its deadline, the export, the import of the CDC's report, the files kept."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.models import Role
from ..core.access import roles_required
from ..core.columns import utcnow
from ..storage import get_storage
from ..unit_of_work import perform
from . import operations, permissions, queries
from .forms import ExportForm, RangeForm, ReportForm
from .models import DeclarationStatus
from .rules import add_months, settings_problems

bp = Blueprint("cpf", __name__)
log = logging.getLogger(__name__)

STATUS_LABELS = {
    queries.NEVER_SENT: (_l("Jamais envoyé"), None),
    DeclarationStatus.SENT.value: (_l("Envoyé, en attente du rapport"), "wait"),
    DeclarationStatus.ACCEPTED.value: (_l("Accepté"), "ok"),
    DeclarationStatus.REJECTED.value: (_l("Rejeté"), "ko"),
}
# What the form of a report may carry beside the file itself.
FORM_OVERHEAD = 64 * 1024


@bp.app_template_filter("cpf_status")
def status_label(status) -> str:
    return str(STATUS_LABELS.get(str(status), (str(status), None))[0])


@bp.app_template_filter("cpf_status_tone")
def status_tone(status) -> str | None:
    return STATUS_LABELS.get(str(status), ("", None))[1]


def _default_range():
    today = utcnow().date()
    return add_months(today, -12), today


@bp.get("/cpf")
@roles_required(Role.CERTIFIER_ADMIN)
def index():
    date_from, date_to = _default_range()
    form = RangeForm(formdata=request.args or None)
    status = 200
    if request.args:
        if form.validate() and not (form.du.data and form.au.data
                                    and form.au.data < form.du.data):
            date_from, date_to = form.du.data or date_from, form.au.data or date_to
        else:
            if not form.errors:
                form.au.errors = [_("La fin de la période précède son début.")]
            status = 422
    form.du.data, form.au.data = date_from, date_to
    return _page(form, status=status)


def _page(range_form, *, report_form=None, status: int = 200):
    date_from, date_to = range_form.du.data, range_form.au.data
    holders = queries.holders(date_from, date_to)
    today = utcnow().date()
    counts = {key: 0 for key in STATUS_LABELS}
    for h in holders:
        counts[h.status] += 1
    just_made = request.args.get("fichier", type=int)
    exports = queries.exports()
    return render_template(
        "cpf/index.html", holders=holders, today=today, range_form=range_form,
        date_from=date_from, date_to=date_to, counts=counts,
        to_send=[h for h in holders if h.to_send],
        invalid=[h for h in holders if h.to_send and h.problems],
        export_form=ExportForm(formdata=None, du=date_from, au=date_to),
        report_form=report_form or ReportForm(formdata=None),
        settings_missing=settings_problems(queries.certification()),
        exports=exports, reports=queries.reports(),
        just_made=next((e for e in exports if e.id == just_made), None),
        max_report_text=operations.size_text(operations.report_max_bytes()),
        alert_days=queries.ALERT_DAYS), status


def _range_form(date_from, date_to) -> RangeForm:
    form = RangeForm(formdata=None)
    form.du.data, form.au.data = date_from, date_to
    return form


@bp.post("/cpf/exporter")
@roles_required(Role.CERTIFIER_ADMIN)
def export_file():
    form = ExportForm()
    if not form.validate():
        flash(_("Indiquez la période à exporter."), "error")
        return _page(_range_form(*_default_range()), status=422)
    date_from, date_to = form.du.data, form.au.data
    outcome = perform(operations.export, current_user, date_from, date_to)
    if not outcome.ok:
        flash(outcome.reason, "error")
        return _page(_range_form(date_from, date_to),
                     status=409 if outcome.conflict is not None else 422)
    result = outcome.value
    if result.left_out:
        flash(ngettext(
            "%(num)d titulaire n'est pas exporté : sa fiche est à corriger (voir la liste).",
            "%(num)d titulaires ne sont pas exportés : leurs fiches sont à corriger (voir la "
            "liste).", len(result.left_out)), "warning")
    if result.export is None:
        flash(_("Aucun fichier n'est produit : aucune fiche des titulaires à déclarer n'est "
                "valide."), "error")
        return redirect(url_for(".index", du=date_from.isoformat(), au=date_to.isoformat()))
    flash(ngettext("Le fichier déclare %(num)d titulaire ; il est validé par le schéma de la "
                   "CDC. Téléchargez-le puis déposez-le sur le portail de la CDC.",
                   "Le fichier déclare %(num)d titulaires ; il est validé par le schéma de "
                   "la CDC. Téléchargez-le puis déposez-le sur le portail de la CDC.",
                   result.export.declared), "success")
    return redirect(url_for(".index", du=date_from.isoformat(), au=date_to.isoformat(),
                            fichier=result.export.id) + "#fichier")


@bp.url_value_preprocessor
def _limit_report_upload(endpoint, _values) -> None:
    """The report's own limit, set before anything reads the body (URL preprocessors run
    before the app's CSRF check, which parses the form): Werkzeug refuses a larger request
    from its Content-Length, without reading it."""
    if endpoint == "cpf.import_report" and permissions.can_declare(current_user):
        request.max_content_length = operations.report_max_bytes() + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _report_too_large(error):
    if not permissions.can_declare(current_user):
        return error  # nothing of the page for anyone else
    flash(operations.report_size_refusal(operations.report_max_bytes() + 1), "error")
    return _page(_range_form(*_default_range()), status=413)


@bp.post("/cpf/rapport")
@roles_required(Role.CERTIFIER_ADMIN)
def import_report():
    max_bytes = operations.report_max_bytes()
    form = ReportForm()
    valid = form.validate()
    if not valid:
        return _page(_range_form(*_default_range()), report_form=form, status=422)
    upload = form.file.data
    outcome = perform(operations.import_report, current_user, upload.filename, upload.stream,
                      max_bytes=max_bytes)
    if not outcome.ok:
        form.file.errors = [outcome.reason]
        flash(outcome.reason, "error")
        return _page(_range_form(*_default_range()), report_form=form,
                     status=409 if outcome.conflict is not None else 422)
    result = outcome.value
    flash(_("Rapport importé : %(ok)d accepté(s), %(ko)d rejeté(s), %(stale)d déjà renvoyé(s) "
            "ou déjà traité(s), laissé(s) tel(s) quel(s).", ok=result.accepted,
            ko=result.rejected, stale=result.stale), "success")
    # Back to the holders of the period the report answers, their new status in view.
    period = ({"du": result.period[0].isoformat(), "au": result.period[1].isoformat()}
              if result.period else {})
    return redirect(url_for(".index", **period) + "#titulaires")


def _download(key: str, filename: str, kind: str):
    try:
        handle = get_storage().open(key)
    except (FileNotFoundError, KeyError):
        log.error("CPF %s file %s missing from storage", kind, key)
        abort(404)
    def chunks():
        with handle:
            yield from iter(lambda: handle.read(64 * 1024), b"")

    return Response(stream_with_context(chunks()),
                    mimetype="application/xml", headers={
                        "Content-Disposition": f'attachment; filename="{filename}"',
                        "X-Content-Type-Options": "nosniff",
                        "Cache-Control": "private, no-store"})


@bp.get("/cpf/exports/<int:export_id>/fichier")
@roles_required(Role.CERTIFIER_ADMIN)
def export_download(export_id: int):
    row = permissions.load_export(current_user, export_id)
    return _download(row.storage_key, row.filename, "export")


@bp.get("/cpf/rapports/<int:report_id>/fichier")
@roles_required(Role.CERTIFIER_ADMIN)
def report_download(report_id: int):
    row = permissions.load_report(current_user, report_id)
    return _download(row.storage_key, f"rapport-cdc-{row.id}.xml", "report")
