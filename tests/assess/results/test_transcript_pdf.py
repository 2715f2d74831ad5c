"""The relevé de résultats as a PDF: every bloc, its rule and outcome, the criteria when
they are given, the title decision; typed text stays text."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from assess.results.transcript_pdf import (
    CriterionLine,
    TranscriptBloc,
    TranscriptData,
    render_transcript_pdf,
)

TITLE = "Chargé(e) de projet en communication et webmarketing"
HOSTILE = "<script>alert(1)</script>"


def text_of(document: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(document)).pages)


def transcript(**overrides) -> TranscriptData:
    values = dict(
        holder_name="Léa Dupont", certification_title=TITLE, rncp_code="RNCP38000",
        certifier_name="Certif Nord SA", session_name="Session décembre 2026",
        centre_name="Centre Lille Formation", decision_date=date(2026, 12, 2),
        blocs=(
            TranscriptBloc(2, "Piloter un projet webmarketing", "validated",
                           "tous les critères acquis",
                           (CriterionLine("CR2.1", "Planifier le projet", "Maîtrisé",
                                          "Rétroplanning précis"),
                            CriterionLine("CR2.2", "Suivre le budget", None, None))),
            TranscriptBloc(3, "Concevoir des contenus", "absent", "au moins 3 critères sur 4"),
        ),
        earlier_blocs=(1,), title="awarded", title_reason=None,
        generated_at=datetime(2026, 12, 3, 9, 15))
    values.update(overrides)
    return TranscriptData(**values)


@pytest.fixture
def french(app):
    with app.test_request_context(), force_locale("fr"):
        yield


def test_every_field_of_the_transcript_appears(french):
    text = text_of(render_transcript_pdf(transcript()))
    assert text.startswith("Relevé de résultats")
    for value in ("Candidat(e) Léa Dupont", f"Certification {TITLE}", "Code RNCP RNCP38000",
                  "Certificateur Certif Nord SA", "Session Session décembre 2026",
                  "Centre de formation Centre Lille Formation",
                  "Date de la décision du jury 2 décembre 2026"):
        assert value in text
    assert "2 blocs de compétences présentés" in text
    assert "Bloc 2 — Piloter un projet webmarketing tous les critères acquis Validé" in text
    assert "Critère Intitulé Niveau Observation" in text
    assert "CR2.1 Planifier le projet Maîtrisé Rétroplanning précis" in text
    assert "CR2.2 Suivre le budget — —" in text
    assert "Bloc 3 — Concevoir des contenus au moins 3 critères sur 4 Absent(e)" in text
    assert "pris en compte Bloc 1" in text
    assert "Décision sur le titre Titre délivré" in text
    assert "Document généré le 3 décembre 2026 10:15." in text
    assert "1 / 1" in text


def test_without_details_nor_earlier_blocs_and_a_title_refused(french):
    data = transcript(
        blocs=(TranscriptBloc(1, "Élaborer la stratégie", "not_validated", "tous les critères"),),
        earlier_blocs=(), title="not_awarded", rncp_code=None,
        title_reason="La certification n'est plus enregistrée au RNCP depuis le 1er mars 2026.")
    text = text_of(render_transcript_pdf(data))
    assert "1 bloc de compétences présenté" in text
    assert "Bloc 1 — Élaborer la stratégie tous les critères Non validé" in text
    assert "Observation" not in text
    assert "pris en compte Aucun" in text
    assert "Décision sur le titre Titre non délivré" in text
    assert "Motif La certification n'est plus enregistrée au RNCP depuis le 1er mars 2026." in text
    assert "Code RNCP —" in text


def test_typed_markup_is_drawn_as_text(french):
    data = transcript(
        holder_name="<b>x</b> Dupont", title_reason=HOSTILE,
        blocs=(TranscriptBloc(1, "<b>x</b>", "validated", HOSTILE,
                              (CriterionLine("CR1.1", "<i>y</i>", "<b>x</b>", HOSTILE),)),))
    text = text_of(render_transcript_pdf(data))
    assert "Candidat(e) <b>x</b> Dupont" in text
    assert f"Bloc 1 — <b>x</b> {HOSTILE} Validé" in text
    assert f"CR1.1 <i>y</i> <b>x</b> {HOSTILE}" in text
    assert f"Motif {HOSTILE}" in text
