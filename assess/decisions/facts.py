"""What other packages read about a session's deliberation, one statement each."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Deliberation, Minutes, MinutesStatus


def deliberation_of(session_id: int) -> Deliberation | None:
    return db.session.scalar(select(Deliberation).where(Deliberation.session_id == session_id))


def minutes_sealed(session_id: int) -> bool:
    """The session's original PV (number 0) is signed by every member and sealed."""
    return db.session.scalar(select(Minutes.id).where(
        Minutes.session_id == session_id, Minutes.number == 0,
        Minutes.status == MinutesStatus.SEALED)) is not None
