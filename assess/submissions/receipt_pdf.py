"""The accusé de dépôt as a PDF (WeasyPrint, from a template, the app's own fonts): what was
handed in, by whom, when, its size and SHA-256 fingerprint."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from ..pdf import render_pdf
from .labels import human_size, when

CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "convocation.css"


def render_receipt_pdf(stored, deliverable_name: str) -> bytes:
    submission = stored.submission
    html = render_template("submissions/receipt_pdf.html", stored=stored,
                           exam=submission.exam, session=submission.enrolment.session,
                           candidate=submission.enrolment.candidate,
                           deliverable_name=deliverable_name,
                           # Drawn by the worker too (its e-mail), outside any request.
                           when=when, human_size=human_size)
    return render_pdf(html, [CSS])


def receipt_of(stored) -> bytes:
    """The receipt of ``stored`` with its deliverable's title as the épreuve's settings
    name it: the download and the e-mail's attachment are the same drawing."""
    from . import deliverables, queries

    exam_id = stored.submission.exam_id
    wanted = deliverables.find(stored.submission.exam, stored.deliverable,
                               queries.settings_for([exam_id]).get(exam_id, {}))
    return render_receipt_pdf(stored, deliverables.title_of(stored.deliverable, wanted))
