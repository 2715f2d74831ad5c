"""The procès-verbal of a deliberation as a PDF, its signature page, and the two joined.

Plain values in, bytes out: the caller reads the database, fills these dataclasses and
chooses the locale (the PV is a legal document, drawn in French), so that what is drawn
is exactly what was decided and signed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from ..i18n import day, moment
from ..pdf import STATIC, render_pdf

CSS = STATIC / "css" / "minutes.css"
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class JuryMemberLine:
    name: str
    role: str                 # "president" | "member"
    capacity: str | None      # position and company, e.g. "Directrice marketing, Agence Nord"
    external: bool            # external to the certifier and to the training centre
    professional: bool        # professional of the targeted jobs


@dataclass(frozen=True)
class RetainedLevel:
    code: str                 # "CR2.2.1"
    levels: tuple[str, ...]   # each evaluator's level label, in order
    retained: str             # the level label the jury retained
    reason: str | None


@dataclass(frozen=True)
class BlocLine:
    number: int
    title: str
    outcome: str              # "validated" | "not_validated" | "absent" (did not sit)
    proposed: str             # "validated" | "not_validated" | "pending"
    reason: str | None        # given when the decision differs from the proposal
    retained: tuple[RetainedLevel, ...] = ()


@dataclass(frozen=True)
class CandidateLine:
    name: str
    reference: str            # candidate number or anonymous code
    access_route: str | None  # label, e.g. "VAE"
    blocs: tuple[BlocLine, ...]
    earlier_blocs: tuple[int, ...]   # bloc numbers validated in earlier sessions
    title: str                # "awarded" | "not_awarded"
    accommodations: str | None = None  # short label of aménagements applied, if any


@dataclass(frozen=True)
class MinutesData:
    certification_title: str
    rncp_code: str | None
    certifier_name: str | None
    session_name: str
    centre_name: str
    deliberation_date: date
    place: str | None
    jury: tuple[JuryMemberLine, ...]
    candidates: tuple[CandidateLine, ...]
    forced: tuple[str, ...]   # a composition rule forced, with its reason and who forced it
    number: int = 0           # 0: the original PV; n >= 1: amendment n° n
    amends: str | None = None  # for an amendment: what it changes and why
    generated_at: datetime | None = None


@dataclass(frozen=True)
class SignatureLine:
    name: str
    role: str
    signed_at: datetime
    content_sha256: str


def role_label(role: str) -> str:
    return _("Président(e) du jury") if role == "president" else _("Membre du jury")


def decision_label(outcome: str) -> str:
    return {"validated": _("Validé"), "not_validated": _("Non validé"),
            "absent": _("Absent(e)"), "pending": _("En attente")}.get(outcome, outcome)


def title_label(title: str) -> str:
    return {"awarded": _("Titre délivré"),
            "not_awarded": _("Titre non délivré")}.get(title, title)


def heading(data: MinutesData) -> str:
    """The PV's title line: the original, or amendment n° n."""
    if data.number:
        return _("Avenant n° %(n)d au procès-verbal de délibération", n=data.number)
    return _("Procès-verbal de délibération")


def paris_moment(value: datetime) -> str:
    """A signature's date and time in Europe/Paris, to the second (naive means UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    local = aware.astimezone(PARIS)
    return _("%(date)s à %(time)s", date=format_date(local, "long", rebase=False),
             time=format_time(local, "HH:mm:ss", rebase=False))


def _context(data: MinutesData) -> dict:
    return {"d": data, "heading": heading(data), "role_label": role_label,
            "decision_label": decision_label, "title_label": title_label,
            "day": day, "moment": moment}


def render_minutes_pdf(data: MinutesData) -> bytes:
    html = render_template("minutes/pv_pdf.html", **_context(data))
    return render_pdf(html, [CSS])


def render_signature_page(data: MinutesData, content_sha256: str,
                          signatures: tuple[SignatureLine, ...]) -> bytes:
    html = render_template("minutes/signatures_pdf.html", **_context(data),
                           content_sha256=content_sha256, signatures=signatures,
                           paris_moment=paris_moment)
    return render_pdf(html, [CSS])


def merge_pdfs(parts: list[bytes]) -> bytes:
    """The PDFs one after the other (the PV, then its signature page)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

