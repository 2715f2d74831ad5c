"""Who may see and change a juror's profile: the one place for these rules.

- A juror: their own profile and availability, nobody else's.
- The certifier's admins: every juror (the certifier has the whole pool).
- A centre's admin: the jurors of their centre's pool (invited for it, or open to all
  centres), as on the assignment page. Any other juror is not found (404): ids cannot be
  probed, and a centre learns nothing of the other centres' jurors.
Availability is the juror's own declaration: admins read it, only the juror changes it.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select, true

from ..accounts.models import Role, User
from ..core.access import is_admin
from ..extensions import db
from ..juries.models import JurorAvailability
from ..juries.permissions import in_pool, pool_condition


def manages_juror(actor, juror: User) -> bool:
    if not is_admin(actor) or juror.role != Role.JUROR:
        return False
    if actor.role == Role.CERTIFIER_ADMIN:
        return True
    return actor.centre_id is not None and in_pool(juror, actor.centre_id)


def can_edit_profile(actor, juror: User) -> bool:
    if not actor.is_authenticated or juror.role != Role.JUROR:
        return False
    return actor.id == juror.id or manages_juror(actor, juror)


def can_change_availability(actor, juror: User) -> bool:
    return actor.is_authenticated and juror.role == Role.JUROR and actor.id == juror.id


def affiliation_scope(actor) -> int | None:
    """The only centre whose affiliation ``actor`` may set (a centre admin: their own),
    or None when any centre offered may be set (the juror, the certifier's admins)."""
    return actor.centre_id if actor.role == Role.CENTRE_ADMIN else None


def pool_scope(actor):
    """SQL: the jurors ``actor`` (an admin) may list."""
    if actor.role == Role.CERTIFIER_ADMIN:
        return true()
    return pool_condition(actor.centre_id)


def load_juror_for(actor, user_id: int) -> User:
    if not is_admin(actor):
        abort(403)
    juror = db.session.scalar(select(User).where(User.id == user_id, User.role == Role.JUROR))
    if juror is None or not manages_juror(actor, juror):
        abort(404)
    return juror


def load_availability_of(juror: User, availability_id: int) -> JurorAvailability:
    period = db.session.get(JurorAvailability, availability_id)
    if period is None or period.juror_id != juror.id:
        abort(404)
    return period
