"""Reads of the assignment page."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import Role, User
from ..extensions import db


def jurors() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.JUROR, User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.id)))
