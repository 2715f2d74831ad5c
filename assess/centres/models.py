from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import utcnow
from ..extensions import db


class TrainingCentre(db.Model):
    """An organisme préparateur: it runs sessions and sees only its own data."""

    __tablename__ = "training_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    siret: Mapped[str | None] = mapped_column(sa.String(14))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<TrainingCentre {self.id} {self.name}>"
