"""The whole certification flow (issue steps 1-7) in a real browser.

`assess serve` runs in a subprocess on the embedded default (SQLite, filesystem
broker, worker child process, file mail sink), prepared exactly as the README's
run command does it (db upgrade, referential load, demo). Chromium is driven by
Playwright with Debian's browser (`/usr/bin/chromium`, or ASSESS_CHROMIUM).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path

import pytest

from tests.e2e.browsing import compose_jury
from tests.e2e.browsing import login as _login
from tests.processes import wait_until

pytestmark = pytest.mark.browser

SESSION = "Session navigateur"
PDF = b"%PDF-1.4\n% dossier du bloc 3\n" + b"0" * 4096 + b"\n%%EOF\n"


def _option(select, text: str) -> str:
    return next(o for o in select.locator("option").all_inner_texts() if text in o)


def _create_and_schedule(admin) -> str:
    today = datetime.date.today()
    admin.get_by_text("Nouvelle session").click()
    admin.get_by_label("Nom de la session").fill(SESSION)
    admin.get_by_label("Date de début").fill(str(today))
    admin.get_by_label("Date de fin").fill(str(today + datetime.timedelta(days=40)))
    admin.get_by_role("button", name=re.compile("Créer")).click()
    admin.wait_for_load_state()  # a new session opens on the dates of its épreuves
    assert admin.url.endswith("/exams")
    session_url = admin.url.removesuffix("/exams")
    fieldsets = admin.locator("fieldset")
    assert fieldsets.count() == 4  # written, practical, dossier, oral
    for i in range(4):
        fs = fieldsets.nth(i)
        day = f"{today + datetime.timedelta(days=3 + i)}"
        if "Dossier" in fs.locator("legend").inner_text():  # handed in online
            # Opens tomorrow (a start in the past is refused), due a few days later.
            fs.get_by_label("Début").fill(f"{today + datetime.timedelta(days=1)}T09:00")
            fs.get_by_label("À distance").check()
            fs.get_by_label("Date limite de dépôt").fill(f"{day}T18:00")
            continue
        fs.get_by_label("Début").fill(f"{day}T09:00")
        fs.get_by_label("Durée (minutes)").fill("240")
        fs.get_by_label("Lieu").fill("Salle Navigateur")
    admin.get_by_role("button", name="Enregistrer le calendrier").click()
    admin.wait_for_load_state()
    assert admin.content().count("Salle Navigateur") == 3
    _step(admin, session_url, "Ouvrir les inscriptions", "ouverte aux inscriptions")
    return session_url


def _step(admin, session_url: str, button: str, state: str) -> None:
    """Take the session's next step from its page, as the admin would."""
    admin.goto(session_url)
    admin.get_by_role("button", name=button).click()
    admin.wait_for_load_state()
    assert f"La session est maintenant « {state} »" in admin.content(), admin.content()


def _enrol_and_assign(admin) -> None:
    admin.get_by_text("Inscrire un candidat").first.click()
    select = admin.get_by_label("Candidat existant")
    select.select_option(label=_option(select, "Dupont"))
    admin.get_by_role("button", name=re.compile("Inscrire")).click()
    admin.wait_for_load_state()  # the enrolment opens on the assignment of its jurors
    assert "/assign" in admin.url and "Dupont" in admin.content()
    selects = admin.locator("select[multiple]").all()
    assert len(selects) == 3
    for select in selects:
        select.select_option(label=_option(select, "Martin"))
    admin.get_by_role("button", name=re.compile("Enregistrer|Affecter")).click()
    admin.wait_for_load_state()


def _dossier_form(candidate):
    return (candidate.locator("section.enrolment").filter(has_text=SESSION)
            .locator("article").filter(has_text="Bloc 3")
            .locator("section.deliverable").filter(has_text="Dossier écrit"))


def _upload_dossier(candidate, tmp_path: Path) -> None:
    fake = tmp_path / "faux.pdf"
    fake.write_bytes(b"ceci n'est pas un PDF")
    _dossier_form(candidate).locator("input[type=file]").set_input_files(str(fake))
    _dossier_form(candidate).get_by_role("button", name="Déposer le fichier").click()
    candidate.wait_for_load_state()
    assert "PDF" in candidate.locator(".flash-error, .field-error").first.inner_text()
    dossier = tmp_path / "dossier.pdf"
    dossier.write_bytes(PDF)
    _dossier_form(candidate).locator("input[type=file]").set_input_files(str(dossier))
    _dossier_form(candidate).get_by_role("button", name="Déposer le fichier").click()
    candidate.wait_for_load_state()
    assert hashlib.sha256(PDF).hexdigest() in candidate.content()  # the receipt


def _submit(juror) -> None:
    """« Soumettre la grille » asks for confirmation with the levels, in a dialog."""
    juror.get_by_role("button", name="Soumettre la grille").click()
    dialog = juror.get_by_role("dialog")
    dialog.get_by_role("button", name="Confirmer la soumission").click()
    juror.wait_for_load_state()


def _grade(juror, base) -> None:
    group = juror.locator("section.grading-session").filter(has_text=SESSION)
    with juror.expect_download() as download:
        group.get_by_role("link", name=re.compile(r"dossier\.pdf")).first.click()
    assert Path(download.value.path()).read_bytes() == PDF
    sheets = [a.get_attribute("href") for a in
              group.locator("a[href*='/jury/evaluations/']").all()]
    assert len(sheets) == 3
    for n, href in enumerate(sheets):
        juror.goto(base + href)
        boxes = juror.locator("textarea[name^='observation_']")
        for i in range(boxes.count()):
            boxes.nth(i).fill(f"Observation {n}.{i}")
        if n == 0:  # a validation error keeps everything typed
            _submit(juror)
            assert "Indiquez un niveau pour chaque critère" in juror.content()
            assert juror.locator("textarea[name^='observation_']").first.input_value() == (
                "Observation 0.0")
        for radio in juror.locator("input[type=radio][value=acquis]").all():
            radio.check()
        _submit(juror)
        assert "soumise" in juror.content()


def _deliberate(browser, base, session_url, errors) -> None:
    """The president opens the deliberation, confirms each bloc as proposed, closes; the
    two members sign the PV with their password; it is sealed."""
    sophie = _login(browser, base, "jury1@demo.test", errors)
    sophie.goto(session_url + "/deliberation")
    sophie.get_by_label("Lieu").fill("Salle Navigateur")
    sophie.get_by_role("button", name="Ouvrir la délibération").click()
    sophie.wait_for_load_state()
    for _ in range(3):
        sophie.get_by_role("button", name=re.compile("Enregistrer la décision du bloc")
                           ).first.click()
        sophie.wait_for_load_state()
        assert "Décision enregistrée" in sophie.content()
    sophie.get_by_role("button", name="Clore la délibération et dresser le procès-verbal"
                       ).click()
    sophie.wait_for_load_state()
    pv_url = sophie.url
    for who, page in (("jury1", sophie), ("jury2", _login(browser, base,
                                                           "jury2@demo.test", errors))):
        page.goto(pv_url)
        page.get_by_label("Votre mot de passe").fill("demo")
        page.get_by_role("button", name="Signer le procès-verbal").click()
        page.wait_for_load_state()
        assert "Votre signature est enregistrée" in page.content(), who
    assert "Signature électronique du document vérifiée" in page.content()


def test_the_whole_flow_in_a_browser(platform, browser, tmp_path):
    base, instance, _chromium = platform
    console_errors: list[str] = []
    admin = _login(browser, base, "centre@demo.test", console_errors)
    session_url = _create_and_schedule(admin)       # step 1
    _enrol_and_assign(admin)                         # step 2
    jury = compose_jury(admin, session_url, {"Sophie Martin": "Président(e)",
                                             "Karim Benali": "Membre"})
    assert "règles respectées" in jury
    _step(admin, session_url, "Démarrer les épreuves", "épreuves en cours")
    candidate = _login(browser, base, "candidat1@demo.test", console_errors)
    _upload_dossier(candidate, tmp_path)             # step 3
    _grade(_login(browser, base, "jury1@demo.test", console_errors), base)  # step 4

    _step(admin, session_url, "Passer à la correction", "en correction")  # step 5
    _step(admin, session_url, "Passer en délibération", "en délibération")
    admin.get_by_text("Résultats de la session", exact=True).click()
    admin.get_by_role("button", name="Calculer les résultats").click()
    admin.wait_for_load_state()
    assert admin.locator("progress").count() >= 1
    admin.get_by_role("button", name="Recalculer les résultats").wait_for(timeout=60_000)
    assert "titre obtenu" in admin.content()  # the jury's proposals
    assert admin.get_by_role("button", name="Publier les résultats").is_disabled()

    candidate.goto(base + "/resultats")
    assert "titre obtenu" not in candidate.content()  # not published yet
    _deliberate(browser, base, session_url, console_errors)               # step 6
    admin.goto(session_url + "/resultats")
    admin.get_by_role("link", name="Publier les résultats…").click()
    admin.wait_for_load_state()
    assert "1 titre délivré" in admin.content()
    admin.get_by_role("button", name="Publier les résultats de 1 candidat").click()
    admin.wait_for_load_state()
    candidate.goto(base + "/resultats")
    assert SESSION in candidate.content() and "titre obtenu" in candidate.content()
    candidate.get_by_role("button", name="English").click()
    candidate.wait_for_load_state()
    assert "title awarded" in candidate.content()
    # The upload refused on purpose answers 422, which the browser logs as an error.
    unexpected = [e for e in console_errors if "422" not in e]
    assert unexpected == []

    def results_mail():                                      # step 7
        for eml in (instance / "mail").glob("*.eml"):
            text = eml.read_text(errors="replace")
            if "To: candidat1@demo.test" in text and "/resultats" in text:
                return eml
        return None

    wait_until(results_mail, 60, "the « résultats publiés » e-mail in the mail sink")
