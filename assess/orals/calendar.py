"""A juror's oral timetable as an .ics calendar: one event per slot, its UID stable (the
slot's id), so that a calendar importing it again moves an event rather than adding one.
Times in UTC. The candidate is named as the juror sees them (a number where the session
grades anonymously)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _

from .models import OralSlot


def build_ics(slots: list[OralSlot], candidate_name: Callable[[object], str]) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//assess//oraux//FR")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Mes soutenances orales"))
    stamp = datetime.now(UTC)
    domain = _domain()
    for slot in slots:
        part = slot.part
        event = Event()
        event.add("uid", f"oral-slot-{slot.id}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", slot.starts_at.replace(tzinfo=UTC))
        event.add("dtend", slot.ends_at.replace(tzinfo=UTC))
        event.add("summary", _("Soutenance orale — bloc %(n)d, salle « %(room)s »",
                               n=part.exam.block.number, room=slot.room))
        event.add("location", ", ".join(x for x in (slot.room, part.place or "") if x))
        panel = ", ".join(
            m.juror.full_name + (f" ({_('président(e)')})" if m.role == "president" else "")
            for m in slot.panel)
        event.add("description", "\n".join((
            slot.enrolment.session.name,
            _("Candidat : %(name)s", name=candidate_name(slot.enrolment)),
            _("Jury : %(names)s", names=panel))))
        cal.add_component(event)
    return cal.to_ical()


def _domain() -> str:
    domain = current_app.config.get("BASE_URL", "assess").split("//")[-1].split("/")[0]
    return domain.split(":")[0] or "assess"
