from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import utcnow
from ..extensions import db


class Certification(db.Model):
    """The certification itself, as the certifier registered it: one row. Its RNCP code
    and expiry date are shown on the public page; the validity of acquired blocs and the
    CPF identifiers serve the results and the CPF declaration."""

    __tablename__ = "certification"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("bloc_validity_years IS NULL OR bloc_validity_years > 0",
                           name="positive_validity"),
        sa.CheckConstraint("appeal_days IS NULL OR appeal_days > 0", name="positive_appeal_days"),
        sa.CheckConstraint("cpf_id_client IS NULL OR length(cpf_id_client) = 8",
                           name="cpf_id_client_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    rncp_code: Mapped[str | None] = mapped_column(sa.String(20))
    # Date d'échéance of the registration: no title may be awarded after it.
    expiry_date: Mapped[date | None] = mapped_column(sa.Date)
    # How long an acquired bloc counts towards the title (None: for life).
    bloc_validity_years: Mapped[int | None]
    certifier_name: Mapped[str | None] = mapped_column(sa.String(200))
    cpf_id_client: Mapped[str | None] = mapped_column(sa.String(8))
    cpf_id_contrat: Mapped[str | None] = mapped_column(sa.String(20))
    # Days after a candidate's publication during which they may appeal (None: no appeal).
    appeal_days: Mapped[int | None]
    # The transcript (relevé de résultats) shows each criterion's level and observation.
    transcript_details: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
