"""A session's dashboard (GET) and the exports of its candidate list (CSV, XLSX)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, send_file, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from workflows.session import SessionStatus

from ..candidates.labels import ACCESS_ROUTE
from ..core.access import ADMIN_ROLES, roles_required
from ..core.exports import XLSX_MIME, csv_chunks, xlsx_file
from ..core.labels import label
from ..sessions.permissions import load_session_for
from ..sessions.queries import session_exams
from . import queries
from .chart import progress_chart
from .forms import filter_form
from .labels import CELL, cell_state

bp = Blueprint("dashboard", __name__)

STATES = tuple(SessionStatus)


@bp.app_template_filter("cell_state")
def cell_state_label(key: str) -> str:
    return label(CELL, key)


@bp.app_template_global("cell_state_of")
def cell_state_of(cell, takes_hand_in: bool) -> str:
    return cell_state(cell, takes_hand_in)


@bp.get("/sessions/<int:session_id>/suivi")
@roles_required(*ADMIN_ROLES)
def show(session_id: int):
    session = load_session_for(current_user, session_id)
    exams = session_exams(session.id)
    form = filter_form(request.args, [e.block.number for e in exams])
    filters = form.filters(request.args.get("page", 1, type=int))
    progress = queries.exam_progress(session.id, exams)
    counts = queries.counts(session.id, progress)
    total = queries.count_filtered(session.id, filters)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    expected = sum(p.expected for p in progress if p.takes_hand_in)
    chart = progress_chart(queries.timeline(session.id),
                           (_("Épreuves déposées"), _("Grilles soumises")),
                           max(expected, sum(p.sheets for p in progress)))
    return render_template(
        "dashboard/show.html", cert_session=session, exams=exams, form=form,
        filters=filters, progress=progress, counts=counts, total=total, pages=pages,
        rows=queries.candidate_rows(session.id, exams, filters), chart=chart,
        takes_hand_in={p.exam.id: p.takes_hand_in for p in progress}, states=STATES,
        state_index=STATES.index(SessionStatus(session.status)),
        query_args={k: v for k, v in request.args.items() if k != "page"})


@bp.get("/sessions/<int:session_id>/suivi/export.csv", defaults={"fmt": "csv"})
@bp.get("/sessions/<int:session_id>/suivi/export.xlsx", defaults={"fmt": "xlsx"})
@roles_required(*ADMIN_ROLES)
def export(session_id: int, fmt: str):
    """Every candidate that passes the filters (not only the page shown)."""
    session = load_session_for(current_user, session_id)
    exams = session_exams(session.id)
    form = filter_form(request.args, [e.block.number for e in exams])
    filters = form.filters(1)
    header, rows = _table(session, exams, filters)
    name = f"suivi-session-{session.id}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(header, rows)),
                        mimetype="text/csv; charset=utf-8", headers=disposition)
    return send_file(xlsx_file(_("Candidats"), header, rows), mimetype=XLSX_MIME,
                     as_attachment=True, download_name=name)


def _table(session, exams, filters):
    takes = {p.exam.id: p.takes_hand_in for p in queries.exam_progress(session.id, exams)}
    # The aménagement as a yes/no only: its details (and its document) are health data,
    # never exported.
    header = [_("Nom"), _("Prénom"), _("E-mail"), _("Voie d'accès"), _("Blocs"),
              _("Aménagement")]
    for exam in exams:
        header += [_("Bloc %(n)d : dépôt", n=exam.block.number),
                   _("Bloc %(n)d : grilles soumises", n=exam.block.number)]
    rows = []
    for row in queries.candidate_rows(session.id, exams, filters, paginate=False):
        e = row.enrolment
        line = [e.candidate.user.last_name, e.candidate.user.first_name,
                e.candidate.user.email, label(ACCESS_ROUTE, e.candidate.access_route),
                _("titre complet") if e.full_title else ", ".join(
                    str(n) for n in row.block_numbers),
                _("oui") if e.accommodation_request or row.accommodation else ""]
        for exam, cell in zip(exams, row.cells, strict=True):
            line += [label(CELL, cell_state(cell, takes[exam.id])),
                     f"{cell.sheets_submitted}/{cell.sheets}" if cell.enrolled else ""]
        rows.append(line)
    return header, rows
