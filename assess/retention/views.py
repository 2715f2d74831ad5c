"""The certifier's retention page: the periods per kind (defaults shown), what a purge
would take today, and the record of the purges done."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import roles_required
from ..unit_of_work import perform
from . import operations, queries
from .forms import LABELS, PeriodsForm
from .models import ARCHIVAL, DEFAULT_MONTHS, RetentionKind

bp = Blueprint("retention", __name__)


@bp.route("/conservation", methods=["GET", "POST"])
@roles_required(Role.CERTIFIER_ADMIN)
def settings():
    current = queries.periods()
    form = PeriodsForm(data={k.value: v for k, v in current.items()})
    status = 200
    if form.validate_on_submit():
        values = {k.value: form[k.value].data for k in RetentionKind}
        outcome = perform(operations.update_periods, current_user, values)
        if outcome.ok:
            flash(_("Les durées de conservation sont enregistrées.") if outcome.value else
                  _("Aucune durée n'a changé."), "success")
            return redirect(url_for(".settings"))
        flash(outcome.reason, "error")
        status = outcome.status if outcome.conflict else 422
    elif form.is_submitted():
        status = 422
    due = operations.summary(operations.plan())
    return render_template("retention/settings.html", form=form, kinds=list(RetentionKind),
                           labels=LABELS, archival=ARCHIVAL, defaults=DEFAULT_MONTHS,
                           due=due, purges=queries.recent_purges()), status
