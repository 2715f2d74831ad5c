"""The relevé de résultats of one candidate as a PDF: each bloc's outcome and its rule,
the criteria when the certifier lets them be shown, and the title decision.

Plain values in, bytes out: the caller fills the dataclasses and chooses the locale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from flask_babel import gettext as _

from ..i18n import day, moment
from ..pdf import STATIC, render_pdf

# The deliberation documents share one stylesheet (page, header, tables).
CSS = STATIC / "css" / "minutes.css"


@dataclass(frozen=True)
class CriterionLine:
    code: str
    label: str
    level: str | None
    observation: str | None


@dataclass(frozen=True)
class TranscriptBloc:
    number: int
    title: str
    outcome: str              # "validated" | "not_validated" | "absent"
    rule: str                 # the rule in words, e.g. « tous les critères acquis »
    criteria: tuple[CriterionLine, ...] = ()   # empty unless the certifier allows details


@dataclass(frozen=True)
class TranscriptData:
    holder_name: str
    certification_title: str
    rncp_code: str | None
    certifier_name: str | None
    session_name: str
    centre_name: str
    decision_date: date
    blocs: tuple[TranscriptBloc, ...]
    earlier_blocs: tuple[int, ...]
    title: str                # "awarded" | "not_awarded"
    title_reason: str | None = None   # e.g. the RNCP expiry sentence
    generated_at: datetime | None = None


def outcome_label(outcome: str) -> str:
    return {"validated": _("Validé"), "not_validated": _("Non validé"),
            "absent": _("Absent(e)")}.get(outcome, outcome)


def title_label(title: str) -> str:
    return {"awarded": _("Titre délivré"),
            "not_awarded": _("Titre non délivré")}.get(title, title)


def render_transcript_pdf(data: TranscriptData) -> bytes:
    html = render_template("results/transcript_pdf.html", d=data, outcome_label=outcome_label,
                           title_label=title_label, day=day, moment=moment)
    return render_pdf(html, [CSS])
