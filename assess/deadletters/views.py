"""/admin/messages: the dead letters and pending rows of the outbox, and their retry."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import roles_required
from ..unit_of_work import perform
from . import queries
from .operations import retry, retry_all
from .permissions import ROLES, load_dead_message

bp = Blueprint("deadletters", __name__)


def _age(seconds: float) -> str:
    return format_timedelta(timedelta(seconds=seconds), threshold=1.0)


@bp.get("/admin/messages")
@roles_required(*ROLES)
def index():
    number = max(request.args.get("page", 1, type=int), 1)
    counts = queries.counts()
    return render_template("deadletters/index.html", rows=queries.page(number),
                           counts=counts, page=number, pages=queries.pages(counts.total),
                           age=_age)


@bp.post("/admin/messages/<int:outbox_id>/relancer")
@roles_required(*ROLES)
def retry_one(outbox_id: int):
    message = load_dead_message(current_user, outbox_id)
    outcome = perform(retry, current_user, message)
    if outcome.ok:
        flash(_("Message n° %(id)d relancé.", id=outbox_id), "success")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".index", page=request.args.get("page", 1, type=int)))


@bp.post("/admin/messages/relancer-tout")
@roles_required(*ROLES)
def retry_every():
    outcome = perform(retry_all, current_user)
    if outcome.ok:
        flash(ngettext("%(num)d message relancé.", "%(num)d messages relancés.",
                       outcome.value) if outcome.value
              else _("Aucun message en échec à relancer."), "success")
    else:
        flash(outcome.reason, "error")
    return redirect(url_for(".index"))
