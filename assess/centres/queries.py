"""Read-only queries of the centre pages: one statement per list, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..extensions import db
from ..sessions.models import CertificationSession
from .models import TrainingCentre


@dataclass(frozen=True)
class CentreRow:
    centre: TrainingCentre
    sessions: int
    admins: int


def centre_rows() -> list[CentreRow]:
    """Every centre with its number of sessions and of centre admins (correlated counts)."""
    sessions = (select(func.count(CertificationSession.id))
                .where(CertificationSession.centre_id == TrainingCentre.id)
                .correlate(TrainingCentre).scalar_subquery())
    admins = (select(func.count(User.id))
              .where(User.centre_id == TrainingCentre.id, User.role == Role.CENTRE_ADMIN)
              .correlate(TrainingCentre).scalar_subquery())
    rows = db.session.execute(
        select(TrainingCentre, sessions, admins).order_by(func.lower(TrainingCentre.name)))
    return [CentreRow(c, n_sessions, n_admins) for c, n_sessions, n_admins in rows]


def centre_admins(centre_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.centre_id == centre_id, User.role == Role.CENTRE_ADMIN)
        .order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)))


def centre_sessions(centre_id: int) -> list[CertificationSession]:
    return list(db.session.scalars(
        select(CertificationSession).where(CertificationSession.centre_id == centre_id)
        .order_by(CertificationSession.starts_on.desc().nulls_last(),
                  CertificationSession.id.desc())))
