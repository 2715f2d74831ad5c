"""Display helpers of the submission pages: sizes, durations, dates."""

from __future__ import annotations

from flask_babel import format_date, format_decimal, format_time, ngettext
from flask_babel import gettext as _

KIB = 1024
MIB = 1024 * 1024


def human_size(size: int) -> str:
    """20971520 -> « 20 Mo »; 1536 -> « 1,5 Ko » (French decimal comma)."""
    if size >= MIB:
        return _("%(n)s Mo", n=format_decimal(round(size / MIB, 1), format="#,##0.#"))
    if size >= KIB:
        return _("%(n)s Ko", n=format_decimal(round(size / KIB, 1), format="#,##0.#"))
    return _("%(n)s octets", n=size)


def duration_label(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)s min", m=rest)
    if not rest:
        return _("%(h)s h", h=hours)
    return _("%(h)s h %(m)02d", h=hours, m=rest)


def when(moment, seconds: bool = False) -> str:
    """A naive-UTC timestamp in the user's time zone (Europe/Paris by default)."""
    if moment is None:
        return ""
    return _("%(date)s à %(time)s", date=format_date(moment, "full"),
             time=format_time(moment, "medium" if seconds else "short"))


def deliverable_status(status: str) -> str:
    """What the candidate and admins read for one deliverable."""
    return {"missing": _("non déposé"), "received": _("reçu"), "late": _("reçu en retard"),
            "checked": _("vérifié"), "refused": _("refusé par la vérification")
            }.get(status, status)


def time_left(deadline, now) -> str:
    """« il reste 2 jours et 3 h », « il reste 45 min »: the server clock decides."""
    if deadline is None or now >= deadline:
        return ""
    minutes = int((deadline - now).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return ngettext("il reste %(num)d jour et %(h)d h", "il reste %(num)d jours et %(h)d h",
                        days, h=hours)
    if hours:
        return _("il reste %(h)d h %(m)02d", h=hours, m=mins)
    return _("il reste %(m)d min", m=max(mins, 1))
