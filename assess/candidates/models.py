from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class AccessRoute(enum.StrEnum):
    """Voie d'accès à la certification."""

    INITIAL = "formation_initiale"
    INITIAL_APPRENTICESHIP = "formation_initiale_apprentissage"
    CONTINUING = "formation_continue"
    CONTINUING_PRO_CONTRACT = "formation_continue_contrat_pro"
    VAE = "vae"
    FOREIGN_EQUIVALENCE = "equivalence_diplome_etranger"
    INDEPENDENT = "candidat_libre"


class Candidate(db.Model):
    """A person prepared by one centre: the same person (account) sitting at two centres
    has a row in each, and each centre sees only its own."""

    __tablename__ = "candidates"
    __table_args__ = (sa.UniqueConstraint("user_id", "centre_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("training_centres.id"), index=True)
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    access_route = enum_column(AccessRoute, "access_route", nullable=False,
                               default=AccessRoute.CONTINUING)

    user = relationship("User")
    centre = relationship("TrainingCentre")

    @property
    def full_name(self) -> str:
        return self.user.full_name


enrolment_blocks = sa.Table(
    "enrolment_blocks",
    db.metadata,
    sa.Column("enrolment_id", sa.ForeignKey("enrolments.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("block_id", sa.ForeignKey("blocks.id"), primary_key=True),
)


class Enrolment(db.Model):
    """A candidate sitting a session: the whole title or some blocs."""

    __tablename__ = "enrolments"
    __table_args__ = (sa.UniqueConstraint("session_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id"), index=True)
    full_title: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    session = relationship("CertificationSession")
    candidate = relationship("Candidate")
    blocks = relationship("Block", secondary=enrolment_blocks, order_by="Block.number")
