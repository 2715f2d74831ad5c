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


# The same routes by their code in the Caisse des Dépôts' schema (voieAcces).
CPF_ACCESS_ROUTE = {
    AccessRoute.INITIAL: "FORMATION_INITIALE_HORS_APPRENTISSAGE",
    AccessRoute.INITIAL_APPRENTICESHIP: "FORMATION_INITIALE_APPRENTISSAGE",
    AccessRoute.CONTINUING: "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    AccessRoute.CONTINUING_PRO_CONTRACT: "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
    AccessRoute.VAE: "VAE",
    AccessRoute.FOREIGN_EQUIVALENCE: "EQUIVALENCE_DIPLOME_ETRANGER",
    AccessRoute.INDEPENDENT: "CANDIDAT_LIBRE",
}


class Candidate(db.Model):
    """A person prepared by one centre: the same person (account) sitting at two centres
    has a row in each, and each centre sees only its own."""

    __tablename__ = "candidates"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "centre_id"),
        sa.CheckConstraint("sex IS NULL OR sex IN ('M', 'F')", name="sex_m_or_f"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    centre_id: Mapped[int] = mapped_column(sa.ForeignKey("training_centres.id"), index=True)
    access_route = enum_column(AccessRoute, "access_route", nullable=False,
                               default=AccessRoute.CONTINUING)
    # The identity the CPF declaration needs (candidates.identity), as this centre knows it.
    birth_name: Mapped[str | None] = mapped_column(sa.String(60))
    usage_name: Mapped[str | None] = mapped_column(sa.String(60))
    first_name_1: Mapped[str | None] = mapped_column(sa.String(60))
    first_name_2: Mapped[str | None] = mapped_column(sa.String(60))
    first_name_3: Mapped[str | None] = mapped_column(sa.String(60))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    sex: Mapped[str | None] = mapped_column(sa.String(1))
    birth_insee_code: Mapped[str | None] = mapped_column(sa.String(5))
    birth_postal_code: Mapped[str | None] = mapped_column(sa.String(9))
    birth_commune: Mapped[str | None] = mapped_column(sa.String(60))
    birth_country_code: Mapped[str | None] = mapped_column(sa.String(3), default="100")

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
    __table_args__ = (sa.UniqueConstraint("session_id", "candidate_id"),
                      sa.UniqueConstraint("session_id", "anonymous_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id"), index=True)
    full_title: Mapped[bool] = mapped_column(default=True)
    # The aménagement the candidate asked for, as the centre received it (free text); the
    # decision and the measures are recorded apart.
    accommodation_request: Mapped[str | None] = mapped_column(sa.Text)
    # What jurors see instead of the name when the session grades anonymously
    # (submissions.anonymity): random, unique in the session, given when first needed.
    anonymous_number: Mapped[str | None] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    session = relationship("CertificationSession")
    candidate = relationship("Candidate")
    blocks = relationship("Block", secondary=enrolment_blocks, order_by="Block.number")


class ImportStatus(enum.StrEnum):
    PREVIEWED = "previewed"  # checked and shown; nothing written
    CONFIRMED = "confirmed"  # the worker applies it (its job shows the progress)
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CandidateImport(db.Model):
    """A file of candidates for one session: its preview, then what applying it did.
    The file itself is kept in the storage (content-addressed) until it is applied."""

    __tablename__ = "candidate_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_sessions.id"),
                                            index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_key: Mapped[str] = mapped_column(sa.String(80))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    file_size: Mapped[int] = mapped_column()
    status = enum_column(ImportStatus, "import_status", nullable=False,
                         default=ImportStatus.PREVIEWED)
    # The preview: {"counts": {...}, "unknown_columns": [...], "rows": [...]}.
    preview: Mapped[dict] = mapped_column(sa.JSON)
    valid_only: Mapped[bool | None] = mapped_column()
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id"))
    # How many rows of the file are applied, committed with their effects: a worker that
    # takes over a half-done import starts after them.
    rows_done: Mapped[int] = mapped_column(default=0)
    # What applying did: {"created": n, "updated": n, "unchanged": n, "refused": n}.
    result: Mapped[dict | None] = mapped_column(sa.JSON)

    session = relationship("CertificationSession")
