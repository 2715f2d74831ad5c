"""The accusé de dépôt as a PDF (WeasyPrint, from a template, the app's own fonts): what was
handed in, by whom, when, its size and SHA-256 fingerprint."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "convocation.css"


def render_receipt_pdf(stored, deliverable_name: str) -> bytes:
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML

    submission = stored.submission
    html = render_template("submissions/receipt_pdf.html", stored=stored,
                           exam=submission.exam, session=submission.enrolment.session,
                           candidate=submission.enrolment.candidate,
                           deliverable_name=deliverable_name)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[WeasyCSS(filename=str(CSS))])


def _no_fetching(url: str, *args, **kwargs):
    # Nothing is loaded from the network or the disk while the PDF is drawn.
    raise ValueError(f"receipt PDFs load no resource ({url})")
