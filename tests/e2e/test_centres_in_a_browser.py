"""The certifier's and the centres' side of a session in a real browser, as the issue's
« done when » reads: the certifier admin sets the RNCP code and creates two training
centres, invites the second one's admin, who accepts from the e-mail; the demo centre's
admin plans the épreuves and the oral slots, opens the session and follows it on the
dashboard through its states; the other centre's admin sees none of it (404, and not a
word of it in the body)."""

from __future__ import annotations

import datetime
import email
import email.policy
import re

import pytest

from tests.e2e.browsing import compose_jury
from tests.e2e.browsing import login as _login
from tests.e2e.test_browser_flow import (
    SESSION,
    _create_and_schedule,
    _enrol_and_assign,
    _step,
)
from tests.processes import wait_until

pytestmark = pytest.mark.browser

NORTH, SOUTH = "Centre Nord (Lille)", "Centre Sud (Marseille)"
SOUTH_ADMIN = "admin.sud@demo.test"
PASSWORD = "un mot de passe assez long"


def _set_up_the_certification(certifier, base) -> None:
    certifier.goto(base + "/certification")
    certifier.get_by_label("Code RNCP").fill("RNCP-4012")  # refused: not digits after RNCP
    certifier.get_by_role("button", name="Enregistrer").click()
    certifier.wait_for_load_state()
    assert "Écrivez « RNCP » suivi de chiffres" in certifier.content()
    certifier.get_by_label("Code RNCP").fill("RNCP40123")
    certifier.get_by_label("Date d'échéance de l'enregistrement").fill("2031-06-30")
    certifier.get_by_role("button", name="Enregistrer").click()
    certifier.wait_for_load_state()
    assert "Les réglages de la certification sont enregistrés." in certifier.content()
    certifier.goto(base + "/referentiel")
    page = certifier.content()
    assert "RNCP40123" in page and "30 juin 2031" in page


def _create_centre(certifier, base, name: str, city: str) -> None:
    certifier.goto(base + "/centres/")
    certifier.get_by_role("button", name="Nouveau centre").click()
    certifier.get_by_label("Nom du centre").fill(name)
    certifier.get_by_label("Ville").fill(city)
    certifier.get_by_role("button", name=re.compile("Créer")).click()
    certifier.wait_for_load_state()
    assert f"Centre « {name} » créé." in certifier.content()


def _invitation_link(instance, address: str) -> str | None:
    for eml in (instance / "mail").glob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            body = message.get_body(("plain",)).get_content()
            found = re.search(r"https?://\S+/invitation/\S+", body)
            if found:
                return found.group(0)
    return None


def _accept_invitation(browser, instance, errors: list[str]):
    link = wait_until(lambda: _invitation_link(instance, SOUTH_ADMIN), 60,
                      "the invitation of the second centre's admin in the mail sink")
    page = browser.new_context(locale="fr-FR").new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.goto(link)
    page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_load_state()
    assert "bienvenue" in page.content()
    return page


def _plan_the_oral(admin, session_url: str) -> None:
    admin.goto(session_url)
    admin.get_by_role("link", name="Planning de l'oral").click()
    oral_day = datetime.date.today() + datetime.timedelta(days=6)  # as _create_and_schedule
    admin.get_by_label(re.compile("Plages horaires")).fill(
        f"{oral_day:%d/%m/%Y} 09:00-12:00")
    admin.get_by_label(re.compile("Salles")).fill("Salle A\nSalle B")
    admin.get_by_role("button", name="Enregistrer le planning").click()
    admin.wait_for_load_state()
    admin.get_by_role("button", name="Placer les candidats").click()
    admin.wait_for_load_state()
    slots = admin.locator("table", has_text="Salle A").inner_text()
    assert "Dupont" in slots and "09:00" in slots


def _dashboard_state(admin, session_url: str) -> str:
    admin.goto(session_url + "/suivi")
    return admin.locator("[aria-current=step]").inner_text().strip()


def test_certifier_two_centres_and_a_session_the_other_centre_cannot_see(platform, browser):
    base, instance, _chromium = platform
    errors: list[str] = []
    certifier = _login(browser, base, "admin@demo.test", errors)
    _set_up_the_certification(certifier, base)
    _create_centre(certifier, base, NORTH, "Lille")
    _create_centre(certifier, base, SOUTH, "Marseille")
    certifier.get_by_label("Prénom").fill("Sonia")
    certifier.get_by_label(re.compile(r"^Nom\b")).fill("Arnaud")
    certifier.get_by_label("Adresse e-mail").fill(SOUTH_ADMIN)
    certifier.get_by_role("button", name="Envoyer l'invitation").click()
    certifier.wait_for_load_state()
    certifier.goto(base + "/centres/")
    listing = certifier.content()
    assert NORTH in listing and SOUTH in listing
    south = _accept_invitation(browser, instance, errors)

    admin = _login(browser, base, "centre@demo.test", errors)
    admin.goto(base + "/sessions/")
    session_url = _create_and_schedule(admin)  # the épreuves dated, then opened
    assert _dashboard_state(admin, session_url) == "ouverte aux inscriptions"
    admin.goto(session_url)
    _enrol_and_assign(admin)
    compose_jury(admin, session_url, {"Sophie Martin": "Président(e)", "Karim Benali": "Membre"})
    _plan_the_oral(admin, session_url)
    _step(admin, session_url, "Démarrer les épreuves", "épreuves en cours")
    assert _dashboard_state(admin, session_url) == "épreuves en cours"
    _step(admin, session_url, "Passer à la correction", "en correction")
    assert _dashboard_state(admin, session_url) == "en correction"

    # The other centre's admin: their own (empty) list, and 404 on every page
    # of the demo centre's session, with nothing of it in the body.
    south.goto(base + "/sessions/")
    assert SESSION not in south.content() and "Démo" not in south.content()
    for path in ("", "/suivi", "/oral", "/exams", "/import", "/suivi/export.csv"):
        response = south.request.get(session_url + path)
        assert response.status == 404, (path, response.status)
        assert SESSION not in response.text() and "Dupont" not in response.text()
    assert errors == []
