"""Convocations follow the calendar and the aménagements: when a part's date or place
changes, or an aménagement is decided, the candidates already convoked get a new
version, marked as a change (in the same transaction)."""

from __future__ import annotations

from ..accommodations.signals import decided
from ..sessions.signals import parts_rescheduled
from .operations import send_convocations


@parts_rescheduled.connect
def _resend_changed(session, actor=None, **_kwargs) -> None:
    send_convocations(actor, session, only_if_sent=True)


@decided.connect
def _resend_with_the_decision(enrolment, actor=None, **_kwargs) -> None:
    send_convocations(actor, enrolment.session, only_if_sent=True)
