"""The CPF declaration (accrochage) of the holders: each export sent to the Caisse des
Dépôts, the state of each holder's declaration, each processing report imported.

A holder (an enrolment whose title is awarded and published) has at most one declaration
row: created by the first export that carries them, with the ``idTechnique`` the CDC will
know them by for good; a later export (after a rejection) sends it again under the same
identifier. Never sent: no row. The files themselves are blobs of ``assess.storage``
(content-addressed), each row keeping its key, size and SHA-256.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class DeclarationStatus(enum.StrEnum):
    SENT = "sent"  # in an export, no report about it yet
    ACCEPTED = "accepted"  # PassagesOK of a report
    REJECTED = "rejected"  # PassagesKO of a report, with its message: to be sent again


class CpfExport(db.Model):
    __tablename__ = "cpf_exports"
    __table_args__ = (
        sa.CheckConstraint("date_to >= date_from", name="range_in_order"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
        sa.CheckConstraint("declared > 0", name="declares_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The file's idFlux (a UUID): a report that names it is matched to this export.
    id_flux: Mapped[str] = mapped_column(sa.String(50), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: CLI
    date_from: Mapped[date] = mapped_column(sa.Date)
    date_to: Mapped[date] = mapped_column(sa.Date)
    filename: Mapped[str] = mapped_column(sa.String(255))
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    declared: Mapped[int] = mapped_column()
    # The holders of the range left out, each with the field to fix:
    # [{"enrolment_id", "session_id", "name", "field", "reason"}].
    left_out: Mapped[list] = mapped_column(sa.JSON, default=list)

    created_by = relationship("User")


class CpfReport(db.Model):
    __tablename__ = "cpf_reports"
    __table_args__ = (sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    # The same report imported twice is refused (the unique hash settles a race too).
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    # The idFlux the report names (optional in the reports accepted), and its export.
    id_flux: Mapped[str | None] = mapped_column(sa.String(50))
    export_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cpf_exports.id"))
    accepted: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    # Entries about a declaration sent again since the report's export: left as they are.
    stale: Mapped[int] = mapped_column(default=0)

    imported_by = relationship("User")
    export = relationship("CpfExport")


class CpfDeclaration(db.Model):
    __tablename__ = "cpf_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), unique=True)
    id_technique: Mapped[str] = mapped_column(sa.String(255), unique=True)
    status = enum_column(DeclarationStatus, "cpf_declaration_status", nullable=False,
                         default=DeclarationStatus.SENT)
    # The export that sent it last, and when.
    export_id: Mapped[int] = mapped_column(sa.ForeignKey("cpf_exports.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    # The report that answered the last sending: the CDC's message for a rejection.
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cpf_reports.id"))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    message: Mapped[str | None] = mapped_column(sa.Text)

    enrolment = relationship("Enrolment")
    export = relationship("CpfExport")
