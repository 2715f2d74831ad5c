"""What the sessions feature tells others without knowing them (blinker signals): a
feature that must react subscribes; sessions imports none of them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the session, ``actor=``, after the dates, durations or places of some of its
# parts changed (in the same transaction, before it commits).
parts_rescheduled = _signals.signal("parts-rescheduled")
