"""Aménagements d'épreuves: the rules, free of the web and the database.

Extra time is capped at one third of an épreuve's duration (the usual rule for
candidates with a disability), unless the admin records an exception with its reason.
The minutes granted are rounded up: a candidate never gets less than the share decided.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from .base import N_, Reason

MAX_EXTRA_PERCENT = 33  # one third, as a whole percentage (33 % of 240 min = 80 min)


class Decision(enum.StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    REFUSED = "refused"


@dataclass(frozen=True)
class ExtraTime:
    percent: int
    exception_reason: str = ""


def extra_time_problem(extra: ExtraTime) -> Reason | None:
    """Why this extra time cannot be recorded, or None."""
    if extra.percent < 0 or extra.percent > 100:
        return Reason(N_("Indiquez un temps supplémentaire entre 0 et 100 %."))
    if extra.percent > MAX_EXTRA_PERCENT and not extra.exception_reason.strip():
        return Reason(N_("Au-delà d'un tiers du temps (%(max)d %%), une dérogation est "
                         "nécessaire : indiquez-en la raison."), {"max": MAX_EXTRA_PERCENT})
    return None


def extra_minutes(duration_minutes: int | None, percent: int) -> int:
    """The minutes added to an épreuve of ``duration_minutes`` (rounded up)."""
    if not duration_minutes or percent <= 0:
        return 0
    return math.ceil(duration_minutes * percent / 100)
