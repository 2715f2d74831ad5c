"""Who may manage training centres: the one place the centre pages ask."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ..accounts.models import Role, User
from ..extensions import db
from .models import TrainingCentre


def can_manage_centres(user) -> bool:
    """Only a certifier admin creates centres and gives them their admin accounts."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CERTIFIER_ADMIN


def can_reinvite(user, admin: User) -> bool:
    """An invitation is sent again only to a centre admin who has not set a password yet."""
    return (can_manage_centres(user) and admin.role == Role.CENTRE_ADMIN and admin.active
            and admin.password_hash is None)


def load_centre_for(user, centre_id: int) -> TrainingCentre:
    """The centre; 403 for a user who may not manage centres, 404 if it does not exist."""
    if not can_manage_centres(user):
        abort(403)
    centre = db.session.get(TrainingCentre, centre_id)
    if centre is None:
        abort(404)
    return centre


def load_centre_admin(user, centre: TrainingCentre, user_id: int) -> User:
    """An admin of ``centre``; 404 for any other account (another centre's, a candidate's)."""
    if not can_manage_centres(user):
        abort(403)
    admin = db.session.scalar(select(User).where(
        User.id == user_id, User.centre_id == centre.id, User.role == Role.CENTRE_ADMIN))
    if admin is None:
        abort(404)
    return admin
