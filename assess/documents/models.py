"""The documents issued to a candidate: one attestation per validated bloc, one
certificate for the title.

A document is drawn once, from its ``facts`` (the recorded values it prints: names,
texts, dates), and stored whole: the unsealed PDF's SHA-256 (``content_sha256``), the
sealed PDF and its SHA-256, the signed badge. The facts are kept so that it can be drawn
again, byte for byte (``operations.regenerate``). A revoked document keeps everything; its
verification page says it is revoked.

The PDF lives in the row (as the PV does, ``decisions.models.Minutes``), not in the blob
storage: it is written in the same transaction as the row that vouches for it, so a
rolled-back or retried issue leaves no orphan file and no row points at a missing one,
and it is kept as long as the award, with the database's backups.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class DocumentKind(enum.StrEnum):
    BLOC = "bloc_attestation"  # attestation de bloc de compétences
    TITLE = "certificate"  # the title's certificate (parchemin)


def _one_per(name: str, kind: DocumentKind, *columns: str) -> sa.Index:
    where = sa.text(f"kind = '{kind.value}'")
    return sa.Index(name, *columns, unique=True, sqlite_where=where, postgresql_where=where)


class IssuedDocument(db.Model):
    __tablename__ = "issued_documents"
    __table_args__ = (
        # Never two documents of a kind for the same enrolment (and bloc).
        _one_per("uq_issued_documents_bloc", DocumentKind.BLOC, "enrolment_id", "block_id"),
        _one_per("uq_issued_documents_title", DocumentKind.TITLE, "enrolment_id"),
        sa.CheckConstraint("(kind = 'certificate') = (block_id IS NULL)",
                           name="bloc_iff_attestation"),
        sa.CheckConstraint("(revoked_at IS NULL) = (revocation_reason IS NULL)",
                           name="revocation_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind = enum_column(DocumentKind, "document_kind", nullable=False)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(sa.ForeignKey("blocks.id"))
    # The verification code (/verify/<code>): random, 120 bits, never derived from an id.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # What the document prints, as issued: the input of every later drawing.
    facts: Mapped[dict] = mapped_column(sa.JSON)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)  # None: no limit
    content_sha256: Mapped[str] = mapped_column(sa.String(64))  # the PDF before its seal
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)  # sealed (PAdES)
    sha256: Mapped[str] = mapped_column(sa.String(64))  # of ``pdf``
    badge_jwt: Mapped[str] = mapped_column(sa.Text, deferred=True)  # Open Badges 3.0, VC-JWT
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(sa.Text)

    enrolment = relationship("Enrolment")
    block = relationship("Block")
    revoked_by = relationship("User")

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
