"""Hand-in in a real browser, as the issue's « done when » reads: a candidate hands in
every deliverable of the three blocs (receipts by e-mail) and replaces one before the
deadline; a late upload is refused, then accepted after an individual extension; an
admin uploads a scanned copy for another candidate; with anonymous grading, a juror
downloads a zip of the assigned work with candidate numbers only."""

from __future__ import annotations

import datetime
import email
import email.policy
import re
import sqlite3
import zipfile

import pytest

from tests.assess.submissions.pdfs import readable_pdf
from tests.assess.submissions.test_deliverables import pptx_bytes
from tests.e2e.browsing import login as _login
from tests.processes import wait_until

pytestmark = pytest.mark.browser

SESSION = "Session de démonstration"


def _sql(instance, statement: str, *params) -> None:
    with sqlite3.connect(instance / "assess.sqlite") as db:
        db.execute(statement, params)


def _case_studies_under_way(instance) -> None:
    """The demo dates its case studies in a few days: start them an hour ago (a start in
    the past cannot be typed), due in two days."""
    _sql(instance, "UPDATE exam_parts SET starts_at = datetime('now', '-1 hour'), "
                   "submission_deadline = datetime('now', '+2 days') "
                   "WHERE kind IN ('written', 'practical') AND exam_id IN (SELECT x.id FROM "
                   "exams x JOIN certification_sessions s ON s.id = x.session_id "
                   "WHERE s.name = ?)", SESSION)


def _receipts(instance, address: str) -> list:
    found = []
    for eml in (instance / "mail").glob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        if message["To"] == address and message["Subject"].startswith("Accusé de dépôt"):
            found.append(message)
    return found


def _deliverables(page, bloc: int):
    return (page.locator("section.enrolment").filter(has_text=SESSION)
            .locator("article").filter(has_text=f"Bloc {bloc} —").locator("section.deliverable"))


def _hand_in(page, base, section, path) -> None:
    section.locator("input[type=file]").set_input_files(str(path))
    section.get_by_role("button", name=re.compile("Déposer le fichier|Remplacer")).click()
    page.get_by_role("heading", name="Accusé de dépôt").wait_for(timeout=30_000)
    page.goto(base + "/candidat/")


def _hand_in_everything(page, base, tmp_path) -> int:
    pdf, slides = tmp_path / "travail.pdf", tmp_path / "soutenance.pptx"
    pdf.write_bytes(readable_pdf())
    slides.write_bytes(pptx_bytes())
    page.goto(base + "/candidat/")
    count = 0
    for bloc in (1, 2, 3):
        for i in range(_deliverables(page, bloc).count()):
            section = _deliverables(page, bloc).nth(i)
            if section.locator("input[type=url], input[name=url]").count():
                section.get_by_label("Adresse (URL) de la page publiée").fill(
                    "https://blog.exemple.fr/contenu-publie")
                section.get_by_role("button", name="Enregistrer l'adresse").click()
                page.wait_for_load_state()
                assert "L'adresse est enregistrée" in page.content()
            else:
                title = section.locator("h5").inner_text()
                _hand_in(page, base, section, slides if "Support" in title else pdf)
            count += 1
    return count


def _record(admin, session_url: str, name: str) -> None:
    admin.goto(session_url + "/suivi")
    admin.get_by_role("link", name=re.compile(name)).first.click()
    admin.wait_for_load_state()


def test_hand_in_extension_scan_and_anonymous_zip(platform, browser, tmp_path):
    base, instance, _chromium = platform
    _case_studies_under_way(instance)
    errors: list[str] = []
    lea = _login(browser, base, "candidat1@demo.test", errors)
    handed = _hand_in_everything(lea, base, tmp_path)
    assert handed == 10  # 4 + 4 (a URL among them) + 2
    # (The June session, over and graded, is listed too: only this one is handed in.)
    assert "non déposé" not in lea.locator("section.enrolment").filter(
        has_text=SESSION).inner_text()
    audit = _deliverables(lea, 1).filter(has_text="Audit de la stratégie")
    replacement = tmp_path / "audit v2.pdf"
    replacement.write_bytes(readable_pdf() + b"\n% v2\n")
    _hand_in(lea, base, audit, replacement)
    assert "Versions remplacées (1)" in _deliverables(lea, 1).first.inner_text()
    # Nine files, the URL and the replacement: one receipt each, no more.
    wait_until(lambda: len(_receipts(instance, "candidat1@demo.test")) >= 11 or None,
               90, "eleven receipts by e-mail")
    assert len(_receipts(instance, "candidat1@demo.test")) == 11

    # The dossier's deadline passes: Hugo's hand-in is refused, until an extension.
    _sql(instance, "UPDATE exam_parts SET submission_deadline = "
                   "datetime('now', '-1 minute') WHERE kind = 'dossier'")
    hugo = _login(browser, base, "candidat2@demo.test", errors)
    hugo.goto(base + "/candidat/")
    assert "La date limite de dépôt est passée" in _deliverables(hugo, 3).first.evaluate(
        "e => e.closest('article').innerText")
    assert _deliverables(hugo, 3).first.locator("input[type=file]").count() == 0

    admin = _login(browser, base, "centre@demo.test", errors)
    admin.goto(base + "/sessions/")
    admin.get_by_role("link", name=SESSION).first.click()
    session_url = admin.url.split("#")[0]
    _record(admin, session_url, "Moreau")
    extension = admin.locator("details", has_text="Accorder un délai individuel").nth(2)
    extension.locator("summary").click()
    until = datetime.datetime.now() + datetime.timedelta(days=2)
    extension.get_by_label("Nouvelle date limite (heure de Paris)").fill(
        until.strftime("%Y-%m-%dT%H:%M"))
    extension.get_by_label("Motif").fill("Hospitalisation (certificat reçu)")
    extension.get_by_role("button", name="Accorder le délai").click()
    admin.wait_for_load_state()
    assert "le candidat en est informé par e-mail" in admin.content()
    hugo.goto(base + "/candidat/")
    assert "prolongée pour vous" in hugo.content()
    dossier = _deliverables(hugo, 3).filter(has_text="Dossier écrit")
    _hand_in(hugo, base, dossier, tmp_path / "travail.pdf")

    # A paper copy of Inès's budget, scanned and uploaded by the centre.
    _record(admin, session_url, "Lefèvre")
    scan = admin.locator("details", has_text="Déposer le scan d'une copie papier").first
    scan.locator("summary").click()
    scan.get_by_label("Livrable").select_option(label="Budget prévisionnel et outils de pilotage")
    scan.get_by_label("Scan de la copie").set_input_files(str(tmp_path / "travail.pdf"))
    scan.get_by_role("button", name="Déposer le scan").click()
    admin.wait_for_load_state()
    assert "Scan déposé pour le candidat" in admin.content()
    assert "scan déposé par Marc Responsable" in admin.content()

    # Anonymous grading: the juror's zip names candidates by number only.
    admin.goto(session_url + "/depots")
    admin.get_by_label(re.compile("Correction anonyme")).check()
    admin.get_by_role("button", name="Enregistrer les règles de dépôt").click()
    admin.wait_for_load_state()
    assert "Les règles de dépôt de la session sont enregistrées." in admin.content()
    juror = _login(browser, base, "jury1@demo.test", errors)
    juror.goto(base + "/jury/")
    # (The June session's work, graded openly, is listed apart.)
    page = juror.locator("section.grading-session").filter(has_text=SESSION).inner_text()
    assert "Dupont" not in page and "Moreau" not in page and "Candidat n°" in page
    with juror.expect_download() as download:
        juror.get_by_role("link", name=re.compile(r"copies du bloc 3 \(zip\)")).first.click()
    with zipfile.ZipFile(download.value.path()) as z:
        names = z.namelist()
    assert names and all(n.startswith("Candidat n° ") for n in names), names
    assert not any("Dupont" in n or "Moreau" in n or "travail" in n for n in names)
    assert errors == []
