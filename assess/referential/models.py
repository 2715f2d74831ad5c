from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import utcnow
from ..extensions import db


class ReferentialVersion(db.Model):
    """One stored version of the référentiel; sessions pin the version they started with."""

    __tablename__ = "referential_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    rncp_code: Mapped[str | None] = mapped_column(sa.String(20))
    # sha256 of the canonical data: loading the same content twice adds nothing.
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    data: Mapped[dict] = mapped_column(sa.JSON)
    gaps: Mapped[list] = mapped_column(sa.JSON, default=list)
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    blocks = relationship(
        "Block", back_populates="version", order_by="Block.number", cascade="all, delete-orphan"
    )


class LevelCode(db.Model):
    """Every level code of every stored scale: a grade's level must be one of them."""

    __tablename__ = "level_codes"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)


class Block(db.Model):
    __tablename__ = "blocks"
    __table_args__ = (sa.UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("referential_versions.id"))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.Text)
    modality_kind: Mapped[str] = mapped_column(sa.String(40))
    modality_description: Mapped[str] = mapped_column(sa.Text)
    deliverables: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Parts of the modality, e.g. bloc 3: dossier then oral.
    parts: Mapped[list] = mapped_column(sa.JSON, default=list)
    rule: Mapped[dict] = mapped_column(sa.JSON)

    version = relationship("ReferentialVersion", back_populates="blocks")
    criteria = relationship(
        "Criterion", back_populates="block", order_by="Criterion.position",
        cascade="all, delete-orphan",
    )


class Criterion(db.Model):
    """A criterion of one référentiel version: a grade points here, so it records the version."""

    __tablename__ = "criteria"
    __table_args__ = (sa.UniqueConstraint("block_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(sa.ForeignKey("blocks.id"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(20))
    competence_code: Mapped[str] = mapped_column(sa.String(20))
    competence_text: Mapped[str] = mapped_column(sa.Text)
    text: Mapped[str | None] = mapped_column(sa.Text)
    missing_text: Mapped[bool] = mapped_column(default=False)

    block = relationship("Block", back_populates="criteria")
