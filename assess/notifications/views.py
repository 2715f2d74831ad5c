"""The notification centre (every signed-in user's own messages) and the e-mail
preferences; the unread count of the header."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from ..unit_of_work import perform
from . import queries
from .forms import EmailPreferencesForm
from .kinds import KINDS, kinds_for
from .operations import mark_all_read, mark_read, save_email_preferences
from .permissions import load_own_notification

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread_badge():
    return {"unread_notifications": _unread_notifications}


def _unread_notifications() -> int | None:
    """The header's count, in one statement, for a signed-in user only; None elsewhere (a
    page rendered outside a request, an anonymous visitor, a database that failed)."""
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return None
    try:
        return queries.unread_count(current_user.id)
    except SQLAlchemyError:  # an error page must still render
        return None


def _back() -> str:
    page = request.form.get("page", type=int)
    return url_for(".centre", page=page) if page and page > 1 else url_for(".centre")


@bp.get("/notifications")
@login_required
def centre():
    page = max(request.args.get("page", 1, type=int), 1)
    entries, total = queries.centre_page(current_user.id, page)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    return render_template("notifications/centre.html", entries=entries, total=total,
                           page=page, pages=pages)


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    notification = load_own_notification(current_user, notification_id)
    outcome = perform(mark_read, current_user, notification)
    if outcome.ok and notification.link:
        return redirect(notification.link)
    return render_template("notifications/show.html", notification=notification)


@bp.post("/notifications/<int:notification_id>/lue")
@login_required
def read_one(notification_id: int):
    notification = load_own_notification(current_user, notification_id)
    perform(mark_read, current_user, notification).unwrap()
    flash(_("Notification marquée comme lue."), "success")
    return redirect(_back())


@bp.post("/notifications/tout-lu")
@login_required
def read_all():
    outcome = perform(mark_all_read, current_user)
    flash(_("Toutes vos notifications sont marquées comme lues.") if outcome.ok
          else outcome.reason, "success" if outcome.ok else "error")
    return redirect(_back())


@bp.route("/compte/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    offered = kinds_for(current_user.role)
    form = EmailPreferencesForm(
        receive=queries.received_kinds(current_user)).offer(offered)
    status = 200
    if form.validate_on_submit():
        outcome = perform(save_email_preferences, current_user, current_user,
                          form.receive.data or [])
        if outcome.ok:
            flash(_("Vos préférences d'e-mails sont enregistrées."), "success")
            return redirect(url_for(".preferences"))
        form.receive.errors = [*form.receive.errors, outcome.reason]
        status = outcome.status if outcome.conflict else 422
    elif form.is_submitted():
        status = 422
    return render_template("notifications/preferences.html", form=form, kinds=KINDS,
                           offered=offered), status
