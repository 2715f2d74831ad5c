"""The readable PDFs of the archive: the personal data, and each PV's extract (the lines
about the candidate). Drawn with the platform's fonts and the deliberation stylesheet."""

from __future__ import annotations

from flask import render_template

from ..core.columns import utcnow
from ..i18n import day, moment
from ..pdf import STATIC, render_pdf

CSS = STATIC / "css" / "minutes.css"


def personal_data_pdf(scope, data: dict) -> bytes:
    html = render_template("privacy/personal_data_pdf.html", d=data, user=scope.user,
                           generated_at=utcnow(), day=day, moment=moment)
    return render_pdf(html, [CSS])


def minutes_extract_pdf(scope, data: dict) -> bytes:
    html = render_template("privacy/minutes_extract_pdf.html", d=data, user=scope.user,
                           generated_at=utcnow(), day=day, moment=moment)
    return render_pdf(html, [CSS])
