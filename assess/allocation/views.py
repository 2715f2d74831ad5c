"""Allocation of a session's written work to evaluators: settings, automatic run, workload.

Manual changes stay on each candidate's assignment page (``juries.views.assign``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from workflows.base import TransitionRefused

from ..core.access import ADMIN_ROLES, roles_required
from ..jurors.permissions import manages_juror
from ..sessions import queries as session_queries
from ..sessions.permissions import load_session_for
from ..unit_of_work import perform
from . import chart, queries
from .forms import add_problems, due_name, settings_form, settings_values
from .labels import reasons, shortfall_text
from .operations import SettingsRefused, run_allocation, update_settings
from .permissions import can_allocate

bp = Blueprint("allocation", __name__)

# Works left short listed one by one in the messages after a run; the page lists them all.
FLASHED_SHORT = 10


def _page(session, form, exams, status: int = 200):
    written = [x for x in exams if queries.is_written(x)]
    rows = queries.workload(session, exams)
    top = max([session.max_sheets_per_juror or 0, *(r.total.assigned for r in rows)]) or 1
    return render_template(
        "allocation/show.html", cert_session=session, form=form, exams=exams,
        written=written, due_name=due_name, rows=rows, scale=top,
        pending=queries.pending_works(session, written), reasons=reasons,
        can_allocate=can_allocate(current_user, session), load_bar=chart.load_bar,
        bar_width=chart.WIDTH, bar_height=chart.HEIGHT,
        juror_page=lambda juror: manages_juror(current_user, juror)), status


@bp.get("/sessions/<int:session_id>/repartition")
@roles_required(*ADMIN_ROLES)
def show(session_id: int):
    session = load_session_for(current_user, session_id)
    exams = session_queries.session_exams(session.id)
    written = [x for x in exams if queries.is_written(x)]
    return _page(session, settings_form(session, written), exams)


@bp.post("/sessions/<int:session_id>/repartition/parametres")
@roles_required(*ADMIN_ROLES)
def settings(session_id: int):
    session = load_session_for(current_user, session_id)
    exams = session_queries.session_exams(session.id)
    written = [x for x in exams if queries.is_written(x)]
    form = settings_form(session, written)
    if not form.validate_on_submit():
        return _page(session, form, exams, 422)
    outcome = perform(update_settings, current_user, session, settings_values(form, written))
    if outcome.ok:
        change = outcome.value
        flash(_("Paramètres de répartition enregistrés.") if change.changed
              else _("Rien n'a changé."), "success" if change.changed else "info")
        if change.over_max:
            flash(_("Ces membres du jury ont déjà plus de copies que le nouveau maximum ; "
                    "elles leur restent, mais ils n'en recevront pas d'autres : %(who)s.",
                    who=", ".join(f"{u.full_name} ({n})" for u, n in change.over_max)),
                  "warning")
        return redirect(url_for(".show", session_id=session.id))
    flash(outcome.reason, "error")
    status = 409 if outcome.conflict is not None or isinstance(
        outcome.refusal, TransitionRefused) else 422
    if isinstance(outcome.refusal, SettingsRefused):
        add_problems(form, written, outcome.refusal.problems)
    return _page(session, form, exams, status)


@bp.post("/sessions/<int:session_id>/repartition/auto")
@roles_required(*ADMIN_ROLES)
def auto(session_id: int):
    session = load_session_for(current_user, session_id)
    outcome = perform(run_allocation, current_user, session)
    if not outcome.ok:
        flash(outcome.reason, "error")
        return redirect(url_for(".show", session_id=session_id))
    report = outcome.value
    if report.created:
        flash(ngettext("%(num)d affectation créée ; chaque membre du jury concerné est prévenu "
                       "par un seul e-mail.",
                       "%(num)d affectations créées ; chaque membre du jury concerné est "
                       "prévenu par un seul e-mail.", report.created), "success")
    else:
        flash(_("Aucune affectation à créer : la répartition était déjà faite."), "info")
    if report.short:
        flash(ngettext("%(num)d copie n'a pas ses %(n)d évaluateurs :",
                       "%(num)d copies n'ont pas leurs %(n)d évaluateurs :",
                       len(report.short), n=session.evaluators_per_work), "warning")
        for item in report.short[:FLASHED_SHORT]:
            flash(shortfall_text(item.shortfall, item.enrolment.candidate.user.full_name,
                                 item.exam.block.number), "warning")
        if len(report.short) > FLASHED_SHORT:
            flash(_("… et %(n)d autre(s), listées plus bas.",
                    n=len(report.short) - FLASHED_SHORT), "warning")
    return redirect(url_for(".show", session_id=session_id) + "#restantes")
