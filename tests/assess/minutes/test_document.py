"""The procès-verbal of a deliberation as a PDF, its signature page and the two joined:
what the jury decided is all there, in French, and typed text stays text."""

from __future__ import annotations

import io
import time
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from assess.minutes.document import (
    BlocLine,
    CandidateLine,
    JuryMemberLine,
    MinutesData,
    RetainedLevel,
    SignatureLine,
    merge_pdfs,
    render_minutes_pdf,
    render_signature_page,
)

TITLE = "Chargé(e) de projet en communication et webmarketing"
HASH = "ab" * 32
HOSTILE = "<script>alert(1)</script>"


def texts(document: bytes) -> list[str]:
    """Each page's text, whitespace folded (table cells wrap)."""
    return [" ".join(page.extract_text().split()) for page in
            PdfReader(io.BytesIO(document)).pages]


def candidate(n: int = 0, **overrides) -> CandidateLine:
    values = dict(
        name=f"Léa Dupont {n}", reference=f"CAND-{n:03d}", access_route="VAE",
        blocs=(
            BlocLine(1, "Élaborer la stratégie de communication", "validated", "validated", None),
            BlocLine(2, "Piloter un projet webmarketing", "not_validated", "validated",
                     "Livrable incomplet constaté en séance",
                     (RetainedLevel("CR2.2.1", ("Maîtrisé", "Insuffisant"), "Insuffisant",
                                    "Les preuves manquent"),)),
            BlocLine(3, "Concevoir des contenus", "absent", "pending", None),
        ),
        earlier_blocs=(1,), title="not_awarded", accommodations="Tiers temps")
    values.update(overrides)
    return CandidateLine(**values)


def minutes(**overrides) -> MinutesData:
    values = dict(
        certification_title=TITLE, rncp_code="RNCP38000", certifier_name="Certif Nord SA",
        session_name="Session décembre 2026", centre_name="Centre Lille Formation",
        deliberation_date=date(2026, 12, 2), place="Lille",
        jury=(JuryMemberLine("Anne Martin", "president", "Directrice marketing, Agence Nord",
                             True, True),
              JuryMemberLine("Bruno Petit", "member", None, False, True)),
        candidates=(candidate(0), candidate(1, title="awarded", earlier_blocs=(),
                                            accommodations=None, access_route=None)),
        forced=("Règle « deux membres extérieurs » levée : jury réuni en urgence, par "
                "Claire Admin",),
        generated_at=datetime(2026, 12, 2, 15, 0))
    values.update(overrides)
    return MinutesData(**values)


@pytest.fixture
def french(app):
    with app.test_request_context(), force_locale("fr"):
        yield


def test_every_field_of_the_pv_appears(french):
    pages = texts(render_minutes_pdf(minutes()))
    text = " ".join(pages)

    assert text.startswith("Procès-verbal de délibération")
    assert "Avenant" not in text
    for value in (TITLE, "RNCP38000", "Certif Nord SA", "Session décembre 2026",
                  "Centre Lille Formation", "2 décembre 2026", "Lille"):
        assert value in text
    # The jury: the president is named as such, with capacity and the two qualities.
    assert "2 membres du jury" in text
    assert "Anne Martin Président(e) du jury Directrice marketing, Agence Nord Oui Oui" in text
    assert "Bruno Petit Membre du jury — Non Oui" in text
    # Each candidate: blocs with proposal, decision, reason, retained levels, title.
    assert "2 candidat(e)s délibéré(e)s" in text
    assert "Léa Dupont 0 (CAND-000)" in text
    assert "Voie d'accès : VAE" in text and "Aménagements : Tiers temps" in text
    assert "Bloc 1 — Élaborer la stratégie de communication Validé Validé —" in text
    assert ("Bloc 2 — Piloter un projet webmarketing Validé Non validé "
            "Livrable incomplet constaté en séance") in text
    assert "(1 critère)" in text
    assert "Critère Évaluateur 1 Évaluateur 2 Niveau retenu Motif" in text
    assert "CR2.2.1 Maîtrisé Insuffisant Insuffisant Les preuves manquent" in text
    assert "Bloc 3 — Concevoir des contenus En attente Absent(e)" in text
    assert "pris en compte Bloc 1" in text
    assert "Titre non délivré" in text
    assert "Léa Dupont 1 (CAND-001)" in text and "Titre délivré" in text
    assert "pris en compte Aucun" in text
    # The rules forced, the closing line and where the signatures are.
    assert "Règles de composition levées" in text
    assert "jury réuni en urgence, par Claire Admin" in text
    assert "Fait à Lille, le 2 décembre 2026" in text
    assert "Les signatures des membres du jury figurent sur la dernière page." in text
    assert "Document généré le 2 décembre 2026 16:00." in text  # 15:00 UTC, in Paris
    # The header line and the page numbers, on every page.
    for n, page in enumerate(pages, start=1):
        assert f"{n} / {len(pages)}" in page
        assert f"Procès-verbal de délibération · {TITLE} · Session décembre 2026" in page


def test_an_amendment_says_so_with_what_it_changes(french):
    text = " ".join(texts(render_minutes_pdf(minutes(
        number=2, amends="Recours RC-2026-04 : bloc 2 de Léa Dupont 0 validé après réexamen"))))
    assert text.startswith("Avenant n° 2 au procès-verbal de délibération")
    assert "Objet de l'avenant Recours RC-2026-04 : bloc 2 de Léa Dupont 0 validé" in text


def test_nothing_forced_no_place_no_rncp(french):
    text = " ".join(texts(render_minutes_pdf(minutes(forced=(), place=None, rncp_code=None,
                                                     certifier_name=None, generated_at=None)))
                    )
    assert "Règles de composition levées Aucune" in text
    assert "Fait le 2 décembre 2026" in text and "Fait à" not in text
    assert "Code RNCP —" in text and "Certificateur —" in text
    assert "Document généré" not in text


def test_typed_markup_is_drawn_as_text(french):
    bloc = BlocLine(1, "<b>x</b>", "not_validated", "validated", HOSTILE,
                    (RetainedLevel("CR1.1", ("<i>a</i>", "b"), "b", HOSTILE),))
    data = minutes(
        jury=(JuryMemberLine("<b>x</b> Martin", "president", HOSTILE, True, True),),
        candidates=(candidate(name=f"{HOSTILE} Dupont", reference="<b>x</b>",
                              access_route="<u>VAE</u>", accommodations=HOSTILE,
                              blocs=(bloc,)),),
        forced=(HOSTILE,), place="<b>x</b>", amends=HOSTILE, number=1,
        session_name="<b>x</b>")
    text = " ".join(texts(render_minutes_pdf(data)))
    # Narrow cells may wrap after a "/": counted without the spaces of the extraction.
    assert "".join(text.split()).count(HOSTILE) == 7  # every field that held it
    assert "<b>x</b> Martin" in text
    assert f"{HOSTILE} Dupont (<b>x</b>)" in text
    assert "Voie d'accès : <u>VAE</u>" in text
    assert "Bloc 1 — <b>x</b>" in text and "CR1.1 <i>a</i> b b" in text
    assert "Fait à <b>x</b>, le" in text


def test_sixty_candidates_in_reasonable_time(french):
    data = minutes(candidates=tuple(candidate(n) for n in range(60)))
    started = time.monotonic()
    document = render_minutes_pdf(data)
    assert time.monotonic() - started < 10
    pages = texts(document)
    assert len(pages) > 5
    assert "60 candidat(e)s délibéré(e)s" in pages[0]
    assert all(f"{n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "Léa Dupont 59 (CAND-059)" in " ".join(pages)


def signatures() -> tuple[SignatureLine, ...]:
    return (SignatureLine("Anne Martin", "president", datetime(2026, 12, 2, 15, 30, 5), HASH),
            SignatureLine("Bruno Petit", "member",
                          datetime(2026, 6, 30, 12, 0, tzinfo=UTC), "cd" * 32))


def test_the_signature_page(french):
    document = render_signature_page(minutes(number=2), HASH, signatures())
    pages = texts(document)
    assert len(pages) == 1
    text = pages[0]
    assert "Signatures du procès-verbal" in text
    assert "Document Avenant n° 2 au procès-verbal de délibération" in text
    assert "Numéro Avenant n° 2" in text
    assert f"Empreinte SHA-256 du contenu signé {HASH}" in text
    assert "2 signatures" in text
    # Naive means UTC; both shown in Paris time, winter (+1) and summer (+2).
    assert ("Anne Martin — Président(e) du jury Signé le 2 décembre 2026 à 16:30:05 "
            f"(heure de Paris) Empreinte signée {HASH}") in text
    assert ("Bruno Petit — Membre du jury Signé le 30 juin 2026 à 14:00:00 (heure de Paris) "
            "Empreinte signée (différente de celle du procès-verbal) " + "cd" * 32) in text
    assert "Page des signatures" in text


def test_the_signature_page_of_the_original(french):
    text = texts(render_signature_page(minutes(), HASH, signatures()[:1]))[0]
    assert "Document Procès-verbal de délibération" in text
    assert "Numéro Procès-verbal initial" in text
    assert "1 signature " in text and "différente" not in text


def test_merged_pv_then_signatures(french):
    pv = render_minutes_pdf(minutes(candidates=tuple(candidate(n) for n in range(8))))
    page = render_signature_page(minutes(), HASH, signatures())
    merged = merge_pdfs([pv, page])
    counts = [len(PdfReader(io.BytesIO(part)).pages) for part in (pv, page)]
    pages = texts(merged)
    assert counts[0] > 1
    assert len(pages) == sum(counts)
    assert pages[0].startswith("Procès-verbal de délibération")
    assert "Signatures du procès-verbal" in pages[-1]
    assert "Signatures du procès-verbal" not in " ".join(pages[:-1])
