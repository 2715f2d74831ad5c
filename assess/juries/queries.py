"""Reads of the assignment page."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import Role, User
from ..extensions import db
from .permissions import pool_condition


def pool(centre_id: int) -> list[User]:
    """The active jurors a centre may assign: its own pool and those open to all centres
    (never the whole certifier's pool: a centre learns nothing of the others' jurors)."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.JUROR, User.active.is_(True),
                           pool_condition(centre_id))
        .order_by(User.last_name, User.first_name, User.id)))
