"""Convocations follow the calendar: when a part's date or place changes, the candidates
already convoked get a new version, marked as a change (in the same transaction)."""

from __future__ import annotations

from ..sessions.signals import parts_rescheduled
from .operations import send_convocations


@parts_rescheduled.connect
def _resend_changed(session, actor=None, **_kwargs) -> None:
    send_convocations(actor, session, only_if_sent=True)
