"""What the aménagements feature tells others without knowing them (blinker signals)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the enrolment, ``actor=``, once a decision is recorded (before the commit).
decided = _signals.signal("accommodation-decided")
