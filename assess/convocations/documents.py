"""A convocation as a PDF (WeasyPrint, from a template) and as an .ics event
(icalendar). Both are made from the convocation's own ``details``: what was sent is what
the file says, even if the session changes later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _

from .. import pdf
from ..referential.labels import part_label
from .labels import bring

CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "convocation.css"
DOSSIER_EVENT = timedelta(minutes=30)


def _when(details: dict, key: str) -> datetime | None:
    value = details.get(key)
    return datetime.fromisoformat(value) if value else None


def context(convocation) -> dict:
    d = convocation.details
    return {"c": convocation, "d": d, "part": part_label(d["part"]),
            "starts_at": _when(d, "starts_at"), "deadline": _when(d, "deadline"),
            "candidate": convocation.enrolment.candidate, "bring": bring}


def render_pdf(convocation) -> bytes:
    # The app's fonts and nothing else are loaded while the PDF is drawn (assess.pdf).
    html = render_template("convocations/pdf.html", **context(convocation))
    return pdf.render_pdf(html, [CSS])


def build_ics(convocation) -> bytes:
    """One event, with the same UID for every version (SEQUENCE grows): a calendar that
    received an earlier version moves its event instead of adding one."""
    from icalendar import Calendar, Event

    d = convocation.details
    starts = _when(d, "starts_at")
    deadline = _when(d, "deadline")
    if d["part"] == "dossier" and deadline is not None:
        start, end = deadline - DOSSIER_EVENT, deadline
        summary = _("Date limite de dépôt — bloc %(n)d", n=d["bloc"])
    else:
        start = starts
        end = starts + timedelta(minutes=d.get("duration_minutes") or 60)
        summary = _("Convocation — bloc %(n)d, %(part)s", n=d["bloc"],
                    part=part_label(d["part"]))
    cal = Calendar()
    cal.add("prodid", "-//assess//convocations//FR")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    domain = current_app.config.get("BASE_URL", "assess").split("//")[-1].split("/")[0]
    domain = domain.split(":")[0]  # a host name, without its port
    event.add("uid", f"convocation-{convocation.enrolment_id}-{convocation.exam_part_id}"
                     f"@{domain}")
    event.add("sequence", convocation.version - 1)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", start.replace(tzinfo=UTC))
    event.add("dtend", end.replace(tzinfo=UTC))
    event.add("summary", summary)
    event.add("location", _("À distance") if d.get("remote") else (d.get("place") or ""))
    event.add("description", f"{d['title']} — {d['session']}")
    cal.add_component(event)
    return cal.to_ical()
