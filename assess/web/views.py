from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..accounts.models import Role
from ..accounts.operations import set_locale
from ..background.celery_app import uses_filesystem_broker
from ..core.redirects import safe_next
from ..extensions import db
from ..unit_of_work import perform

bp = Blueprint("web", __name__)

HOME_BY_ROLE = {
    Role.CERTIFIER_ADMIN: "sessions.index",
    Role.CENTRE_ADMIN: "sessions.index",
    Role.JUROR: "grading.index",
    Role.CANDIDATE: "submissions.home",
}


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOME_BY_ROLE[Role(current_user.role)]))


@bp.post("/langue")
def set_language():
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        perform(set_locale, current_user, lang).unwrap()
    return redirect(safe_next(request.form.get("next")) or url_for("web.home"))


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for it before reading the page's <link rel=icon>.
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def healthz():
    status = {"db": "ok", "broker": "ok"}
    try:
        with db.engine.connect() as conn:  # its own connection: nothing to roll back after
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        status["db"] = "error"
    if not _broker_ok():
        status["broker"] = "error"
    code = 200 if all(v == "ok" for v in status.values()) else 503
    return jsonify(status), code


def _broker_ok() -> bool:
    """Redis answers, or (filesystem broker) the queue folder is there and writable."""
    celery = current_app.extensions["celery"]
    if uses_filesystem_broker(current_app.config):
        queue = Path(celery.conf.broker_transport_options["data_folder_in"])
        return queue.is_dir() and os.access(queue, os.W_OK | os.X_OK)
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True
