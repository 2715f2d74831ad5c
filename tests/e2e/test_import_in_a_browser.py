"""Importing candidates in a real browser, as a centre admin would: a spreadsheet of 50
rows with a few bad ones, the preview, the valid rows imported by the worker with its
progress bar, the same file again changing nothing; the dashboard; convocations sent and
read in the mail sink with their PDF and .ics; every page on a 390 px phone screen
without horizontal scrolling."""

from __future__ import annotations

import email
import email.policy
import io
import re

import pytest
from openpyxl import Workbook

from tests.e2e.browsing import login as _login
from tests.processes import wait_until

pytestmark = pytest.mark.browser

GOOD_ROWS = 47


def spreadsheet(path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Nom naissance", "Prénom1", "Date naissance", "Sexe",
                  "Code INSEE naissance", "Voie accès", "Blocs"])
    for i in range(GOOD_ROWS):
        sheet.append([f"importe{i}@demo.test", f"IMPORT{i}", "Camille", f"{1 + i % 28:02d}/05/1999",
                      "MF"[i % 2], 1053 if i % 5 == 0 else "69123", "formation_continue",
                      "" if i % 2 else "1,3"])
    sheet.append(["pas-une-adresse", "BAD", "Un", None, None, None, None, None])
    sheet.append(["importe0@demo.test", "DOUBLON", "Deux", None, None, None, None, None])
    sheet.append(["bad.date@demo.test", "BAD", "Trois", "31/02/1999", "X", None, None, "7"])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def _import(admin, session_url: str, path) -> str:
    admin.goto(session_url)
    admin.get_by_role("button", name="Importer des candidats").click()
    admin.get_by_label("Fichier des candidats (CSV ou XLSX)").set_input_files(str(path))
    admin.get_by_role("button", name="Voir l'aperçu").click()
    admin.wait_for_load_state()
    return admin.content()


def _no_horizontal_scroll(page, url: str) -> None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{url} is {width} px wide on a 390 px screen"
    logout = page.get_by_role("button", name="Se déconnecter")
    box = logout.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, f"{url}: « Se déconnecter » off"


def test_import_a_spreadsheet_then_follow_the_session_on_a_phone(platform, browser, tmp_path):
    base, instance, _chromium = platform
    path = tmp_path / "candidats.xlsx"
    spreadsheet(path)
    errors: list[str] = []
    admin = _login(browser, base, "centre@demo.test", errors)
    admin.goto(base + "/sessions/")
    admin.get_by_role("link", name="Session de démonstration").first.click()
    session_url = admin.url.split("#")[0]
    admin.goto(session_url + "/suivi")
    before = int(re.search(r"(\d+) candidats? correspond", admin.content()).group(1))

    page = _import(admin, session_url, path)
    created = admin.locator("table.import-counts tr", has_text="À créer").inner_text()
    assert created.split()[-1] == "47"
    assert "pas-une-adresse" in page and "ligne 2" in page and "n'existe pas" in page
    assert admin.get_by_role("button", name="Importer toutes les lignes").is_disabled()
    admin.get_by_role("button", name=re.compile("Importer seulement les 47")).click()
    admin.wait_for_load_state()
    admin.get_by_text("47 créée(s), 0 mise(s) à jour, 0 inchangée(s), 3 refusée(s)."
                      ).wait_for(timeout=60_000)
    assert admin.locator("progress").count() == 1

    page = _import(admin, session_url, path)  # the same file again
    assert "Rien à importer" not in page
    admin.get_by_role("button", name=re.compile("Importer seulement")).click()
    admin.wait_for_load_state()
    assert "Rien à importer : chaque ligne valide est déjà à jour." in admin.content()

    admin.goto(session_url + "/suivi")
    assert f"{before + 47} candidats correspondent." in admin.content()
    admin.get_by_label("Rechercher (nom, prénom, e-mail)").fill("import4")
    admin.get_by_role("button", name="Filtrer").click()
    admin.wait_for_load_state()
    assert "8 candidats correspondent." in admin.content()  # IMPORT4, IMPORT40-46

    admin.goto(session_url)
    admin.get_by_role("button", name="Envoyer les convocations").click()
    admin.wait_for_load_state()
    assert "Convocations :" in admin.content()

    phone = browser.new_context(viewport={"width": 390, "height": 844},
                                locale="fr-FR").new_page()
    phone.goto(base + "/login")
    phone.get_by_label("Adresse e-mail").fill("centre@demo.test")
    phone.get_by_label("Mot de passe").fill("demo")
    phone.get_by_role("button", name="Se connecter").click()
    phone.wait_for_load_state()
    for url in (base + "/", base + "/sessions/", session_url, session_url + "/suivi",
                session_url + "/import", session_url + "/exams"):
        _no_horizontal_scroll(phone, url)
    assert errors == []

    def convocation_mail():
        for eml in (instance / "mail").glob("*.eml"):
            message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            if message["To"] == "importe1@demo.test" and "convocation" in message["Subject"]:
                names = [p.get_filename() for p in message.iter_attachments()]
                if any(n.endswith(".pdf") for n in names) and any(
                        n.endswith(".ics") for n in names):
                    return message
        return None

    message = wait_until(convocation_mail, 90, "a convocation with its PDF and .ics")
    pdf = next(p for p in message.iter_attachments() if p.get_filename().endswith(".pdf"))
    assert pdf.get_payload(decode=True).startswith(b"%PDF")
