"""Who sees which figures: the certifier every centre, a centre admin their own centre
only (403 when they ask for another centre; a session they may not see is answered 404,
as everywhere, so that ids cannot be probed). The public page needs no rights: it shows
only totals of published results, small groups hidden (``public``)."""

from __future__ import annotations

from flask import abort

from ..accounts.models import Role
from ..core.access import can_manage_centre, is_admin
from . import queries
from .queries import Scope


def can_view_statistics(user) -> bool:
    return is_admin(user)


def own_centre(user) -> int | None:
    """The centre a user's figures are restricted to (None: every centre)."""
    return None if user.role == Role.CERTIFIER_ADMIN else user.centre_id


def scope_for(user, *, year: int | None, centre_id: int | None,
              session_id: int | None) -> Scope:
    """The filters asked for, checked against what ``user`` may see."""
    if not can_view_statistics(user):
        abort(403)
    restricted = own_centre(user)
    if user.role != Role.CERTIFIER_ADMIN and restricted is None:
        abort(403)  # a centre admin attached to no centre sees nothing
    if centre_id is not None:
        if not can_manage_centre(user, centre_id):
            abort(403)
        if not queries.centre_exists(centre_id):
            abort(404)
    if session_id is not None:
        centre = queries.session_centre(session_id)
        if centre is None or not can_manage_centre(user, centre):
            abort(404)
    return Scope(year=year, centre_id=centre_id if centre_id is not None else restricted,
                 session_id=session_id)
