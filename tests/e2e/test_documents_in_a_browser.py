"""Documents and obligations in a real browser, as issue 11's « done when » reads, on the
demo's closed session of last year: Camille Bernard downloads her attestation and her
certificate, sealed (PAdES checked), whose QR code (read back from the drawn page) opens
the public verification page, which confirms them, while a changed code says « document
inconnu »; she downloads her right-of-access archive; the certifier exports last year's
CPF declaration (valid against the CDC's XSD), imports a processing report rejecting
Thomas Petit, corrects his identity and re-exports only him; the statistics page shows
the rates per bloc with its charts."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.e2e.browsing import login

pytestmark = pytest.mark.browser

XSD = Path(__file__).resolve().parents[3] / "shared" / "reference" / "cpf" / \
    "certifications-cdc-1.1.2.xsd"
NS = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
CAMILLE, THOMAS = "candidat4@demo.test", "candidat5@demo.test"


def _download(page, name, *, role: str = "link") -> bytes:
    with page.expect_download() as info:
        page.get_by_role(role, name=name).first.click()
    return Path(info.value.path()).read_bytes()


def _qr_codes(pdf: bytes) -> list[str]:
    import pypdfium2
    import zxingcpp

    drawn = pypdfium2.PdfDocument(pdf)
    try:
        found = []
        for page in drawn:
            found += [r.text for r in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
            page.close()
        return found
    finally:
        drawn.close()


def _holders(xml: bytes) -> list[str]:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(xml)
    assert schema.validate(doc), schema.error_log
    return [p.findtext("cpf:idTechnique", namespaces=NS)
            for p in doc.iterfind(".//cpf:passageCertification", NS)], \
        [p.findtext(".//cpf:nomNaissance", namespaces=NS)
         for p in doc.iterfind(".//cpf:passageCertification", NS)]


def _verified(instance, pdfs: list[bytes]) -> list:
    """Each PDF checked with the platform's key (the one generated in ``instance``), in a
    thread of its own (pyHanko runs an event loop; Playwright's already runs here)."""
    from concurrent.futures import ThreadPoolExecutor

    from assess import create_app
    from assess.signing.keys import clear_cache
    from assess.signing.pades import verify_pdf
    from config import TestConfig

    app = create_app(TestConfig.under(instance.parent))

    def verify(pdf: bytes):
        with app.app_context():
            return verify_pdf(pdf)

    clear_cache()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return list(pool.map(verify, pdfs))
    finally:
        clear_cache()


def test_documents_cpf_statistics_and_right_of_access(platform, browser):
    base, instance, _chromium = platform
    errors: list[str] = []

    # -- Camille's documents ---------------------------------------------------------
    camille = login(browser, base, CAMILLE, errors)
    camille.get_by_role("link", name="Mes documents").first.click()
    camille.wait_for_load_state()
    page = camille.content()
    assert page.count("Attestation de bloc de compétences") >= 3 and "Certificat" in page
    # On a phone the list scrolls within its table, not the whole page.
    camille.set_viewport_size({"width": 390, "height": 800})
    assert camille.evaluate("document.documentElement.scrollWidth") <= 390
    camille.set_viewport_size({"width": 1280, "height": 900})
    certificate = _download(camille, "PDF — Certificat")
    attestation = _download(camille, "PDF — Attestation de bloc de compétences bloc 1")
    for check in _verified(instance, [certificate, attestation]):
        assert check.valid, check.problem
    [address] = _qr_codes(certificate)
    code = re.search(r"/verify/([A-Z0-9]+)$", address).group(1)
    public = browser.new_context(locale="fr-FR").new_page()
    response = public.goto(f"{base}/verify/{code}")
    assert response.status == 200
    text = public.content()
    assert "Authentique" in text and "Camille Bernard" in text
    assert "Chargé(e) de projet en communication et webmarketing" in text
    assert "candidat4@demo.test" not in text  # nothing more about the person
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    response = public.goto(f"{base}/verify/{forged}")
    assert response.status == 404 and "Document inconnu" in public.content()

    # -- her right of access -----------------------------------------------------------
    camille.get_by_role("link", name="Mes données").first.click()
    camille.wait_for_load_state()
    archive = zipfile.ZipFile(io.BytesIO(_download(camille, "Télécharger mes données (ZIP)",
                                                   role="button")))
    names = archive.namelist()
    assert "LISEZMOI.txt" in names
    assert any(n.startswith("documents/") and n.endswith(".pdf") for n in names)
    everything = b"".join(archive.read(n) for n in names if n.endswith((".json", ".txt")))
    assert b"Bernard" in everything and b"Petit" not in everything

    # -- the certifier's CPF declaration -----------------------------------------------
    certifier = login(browser, base, "admin@demo.test", errors)
    certifier.get_by_role("link", name="Déclaration CPF").first.click()
    last_year = date.today().year - 1
    certifier.get_by_label("Titre obtenu du").fill(f"{last_year}-01-01")
    certifier.get_by_label("au", exact=True).fill(f"{last_year}-12-31")
    certifier.get_by_role("button", name="Afficher les titulaires").click()
    certifier.wait_for_load_state()
    certifier.get_by_role("button", name=re.compile("Exporter le fichier XML")).click()
    certifier.wait_for_load_state()
    ids, names = _holders(_download(certifier, re.compile(r"Télécharger .*\.xml"),
                                    role="button"))
    assert sorted(names) == ["Bernard", "Petit"]
    by_name = dict(zip(names, ids, strict=True))
    report = (f"<accuseTraitement><passagesOK><passage><idTechnique>{by_name['Bernard']}"
              f"</idTechnique></passage></passagesOK><passagesKO><passage><idTechnique>"
              f"{by_name['Petit']}</idTechnique><messageErreur>Commune de naissance "
              f"incohérente avec le code INSEE</messageErreur></passage></passagesKO>"
              f"</accuseTraitement>")
    certifier.locator("input[type=file]").set_input_files(
        {"name": "rapport.xml", "mimeType": "application/xml", "buffer": report.encode()})
    certifier.get_by_role("button", name="Importer le rapport").click()
    certifier.wait_for_load_state()
    text = certifier.content()
    assert "Commune de naissance incohérente" in text, text
    # Thomas's identity corrected from his record, then only he is declared again.
    certifier.get_by_role("link", name="Thomas Petit").first.click()
    certifier.wait_for_load_state()
    certifier.get_by_text("Corriger l'identité").click()
    certifier.get_by_label("Commune de naissance", exact=True).fill("Lille-Hellemmes")
    certifier.get_by_role("button", name="Enregistrer l'identité").click()
    certifier.wait_for_load_state()
    assert "est enregistrée" in certifier.content()
    certifier.goto(f"{base}/cpf?du={last_year}-01-01&au={last_year}-12-31")
    certifier.get_by_role("button", name=re.compile("Exporter le fichier XML")).click()
    certifier.wait_for_load_state()
    again_ids, again_names = _holders(_download(certifier, re.compile(r"Télécharger .*\.xml"),
                                                role="button"))
    assert again_names == ["Petit"] and again_ids == [by_name["Petit"]]

    # -- the statistics --------------------------------------------------------------
    certifier.get_by_role("link", name="Statistiques").first.click()
    certifier.wait_for_load_state()
    blocs = certifier.locator("section[aria-labelledby=blocs-heading]")
    assert blocs.locator("svg").count() >= 3  # a bar per bloc
    assert re.search(r"\d+\s?%", blocs.inner_text())
    assert errors == []
