"""The right of access: the candidate's page and archive, and the archive an admin
downloads on a candidate's behalf. The archive is streamed as it is written."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, stream_with_context
from flask_login import current_user

from ..accounts.models import Role
from ..core.access import roles_required
from ..core.columns import utcnow
from ..unit_of_work import perform
from . import operations, permissions, queries
from .archive import archive_chunks, safe_part
from .sections import SECTIONS

bp = Blueprint("privacy", __name__)


@bp.get("/mes-donnees")
@roles_required(Role.CANDIDATE)
def mine():
    scope = queries.scope_for_self(current_user)
    return render_template("privacy/mine.html", scope=scope)


@bp.get("/mes-donnees/archive.zip")
@roles_required(Role.CANDIDATE)
def my_archive():
    return _archive(queries.scope_for_self(current_user))


@bp.get("/candidats/<int:candidate_id>/donnees.zip")
@roles_required(Role.CERTIFIER_ADMIN, Role.CENTRE_ADMIN)
def candidate_archive(candidate_id: int):
    candidate = permissions.load_candidate_for(current_user, candidate_id)
    return _archive(queries.scope_for_admin(current_user, candidate))


def _archive(scope) -> Response:
    perform(operations.record_export, current_user, scope).unwrap()
    name = safe_part(f"donnees-{scope.user.last_name}-{scope.user.first_name}", "donnees")
    name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name)
    who = (scope.user.id, scope.candidate_ids, scope.whole_person)

    def chunks():
        # Under a real server the generator runs once the view has returned, in a session
        # of its own: the scope is read again there, not reused detached.
        yield from archive_chunks(queries.reloaded(*who), SECTIONS)

    response = Response(stream_with_context(chunks()), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-{utcnow():%Y%m%d}.zip"')
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
