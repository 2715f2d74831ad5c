"""Statistics (Qualiopi): the admins' figures with filters and exports, and the public
summary (no login)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, send_file, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import ADMIN_ROLES, roles_required
from ..core.exports import XLSX_MIME, csv_chunks, xlsx_file
from . import charts, public, queries
from .forms import StatisticsFilters
from .permissions import own_centre, scope_for

bp = Blueprint("statistics", __name__)

VIEWS = ("sessions", "blocs", "criteres")


@bp.app_template_global("stat_bar")
def _stat_bar(kind: str, figures) -> list:
    return {"outcome": charts.outcome_bar, "bloc": charts.bloc_bar,
            "level": charts.level_bar}[kind](figures)


def _filters():
    """(form, scope or None): None when a filter is malformed (the form says why)."""
    form = StatisticsFilters(formdata=request.args)
    restricted = own_centre(current_user)
    form.offer(queries.years(restricted), queries.centres(restricted),
               queries.sessions_with_results(restricted), one_centre=restricted is not None)
    if not form.validate():
        return form, None
    return form, scope_for(current_user, **form.values())


@bp.get("/statistiques")
@roles_required(*ADMIN_ROLES)
def index():
    form, scope = _filters()
    stats = queries.statistics(scope) if scope is not None else None
    status = 200 if scope is not None else 400
    return render_template(
        "statistics/index.html", form=form, stats=stats, scope=scope,
        query_args={k: v for k, v in request.args.items() if k in form.data},
        one_centre=own_centre(current_user) is not None), status


@bp.get("/statistiques/export.csv", defaults={"fmt": "csv"})
@bp.get("/statistiques/export.xlsx", defaults={"fmt": "xlsx"})
@roles_required(*ADMIN_ROLES)
def export(fmt: str):
    """The figures the page shows with the same filters: per session (default), per bloc
    (``vue=blocs``) or per criterion (``vue=criteres``)."""
    form, scope = _filters()
    view = request.args.get("vue", "sessions")
    if scope is None or view not in VIEWS:
        message = "; ".join(str(e) for errors in form.errors.values() for e in errors) or _(
            "Vue inconnue : choisissez sessions, blocs ou critères.")
        return Response(message, 400, mimetype="text/plain")
    header, rows = {"sessions": _session_table, "blocs": _bloc_table,
                    "criteres": _criterion_table}[view](scope)
    name = f"statistiques-{view}.{fmt}"
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(header, rows)),
                        mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return send_file(xlsx_file(_("Statistiques"), header, rows, freeze="D2"
                               if view == "sessions" else "C2"),
                     mimetype=XLSX_MIME, as_attachment=True, download_name=name)


def _session_table(scope):
    header = [_("Année"), _("Centre de formation"), _("Session"), _("Inscrits"),
              _("Absents"), _("Présentés"), _("Blocs validés"), _("Certifiés"),
              _("Partiellement certifiés"), _("Non certifiés"), _("Taux de certification (%)"),
              _("Taux de certification partielle (%)"), _("Taux d'absence (%)")]
    lines = queries.session_lines(scope)
    _centres, _years, total = queries.roll_up(lines)

    def row(year, centre, name, f):
        return [year, centre, name, f.enrolled, f.absent, f.presented, f.blocs_validated,
                f.fully, f.partially, f.not_certified, f.fully_rate, f.partially_rate,
                f.absent_rate]

    rows = [row(line.year, line.centre, line.name, line.figures) for line in lines]
    rows.append(row(None, None, _("Total"), total.figures))
    return header, rows


def _bloc_table(scope):
    header = [_("Bloc"), _("Inscrits au bloc"), _("Absents"), _("Présentés"), _("Validés"),
              _("Taux de validation (%)"), _("Taux d'absence (%)")]
    return header, [[b.number, b.figures.enrolled, b.figures.absent, b.figures.presented,
                     b.figures.validated, b.figures.validated_rate, b.figures.absent_rate]
                    for b in queries.bloc_lines(scope)]


def _criterion_table(scope):
    header = [_("Bloc"), _("Critère"), _("Résultats"), _("Acquis"),
              _("Taux d'acquisition (%)"), _("Paires d'évaluations"), _("Accord exact (%)"),
              _("Kappa pondéré")]
    criteria, agreements = queries.criteria_and_agreement(scope)
    agreed = {(a.block, a.code): a for a in agreements}
    rows = []
    for line in criteria:
        a = agreed.get((line.block, line.code))
        pairs = a.agreement.pairs if a else 0
        rows.append([line.block, line.code, line.graded, line.acquired, line.acquired_rate,
                     pairs, a.exact_percent if pairs else None,
                     round(a.agreement.kappa, 3) if pairs and a.agreement.kappa is not None
                     else None])
    return header, rows


@bp.get("/statistiques/publiques")
def public_summary():
    """No login: the totals of released results, small groups hidden (see public.py)."""
    response = Response(render_template("statistics/public.html", years=public.summary(),
                                        minimum=public.MIN_PRESENTED))
    if not current_user.is_authenticated:
        response.headers["Cache-Control"] = "public, max-age=600"
    return response
