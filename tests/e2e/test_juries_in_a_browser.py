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


def _active(instance, juror: str, candidate: str) -> int:
    """Active assignments of a juror (by e-mail) to a candidate (by e-mail)."""
    [(n,)] = _rows(instance, """
        SELECT count(*) FROM assignments a
        JOIN users j ON j.id = a.juror_id
        JOIN enrolments e ON e.id = a.enrolment_id
        JOIN candidates c ON c.id = e.candidate_id JOIN users u ON u.id = c.user_id
        JOIN certification_sessions s ON s.id = e.session_id
        WHERE j.email = ? AND u.email = ? AND a.withdrawn_at IS NULL AND s.name = ?""",
                     juror, candidate, SESSION)
    return n


def _record_a_conflict(admin, session_url, instance) -> None:
    """Karim Benali turns out to be Inès Lefèvre's colleague: he is taken off her work."""
    assert _active(instance, "jury2@demo.test", "candidat3@demo.test") == 3
    admin.goto(session_url)
    admin.get_by_role("link", name="Conflits d'intérêts").first.click()
    admin.get_by_label("Membre du jury").select_option(label="Benali Karim")
    admin.get_by_label("Candidat", exact=True).select_option(label="Lefèvre Inès")
    admin.get_by_label("Collègue du candidat").check()
    admin.get_by_label(re.compile("^Précisions")).fill("Collègues chez Studio Social")
    admin.get_by_role("button", name="Enregistrer ce lien").click()
    admin.wait_for_load_state()
    assert "Lien enregistré" in admin.content(), admin.content()
    reassign = admin.locator("section[aria-labelledby=reassign-title]").inner_text()
    assert reassign.count("Lefèvre") >= 1 and "Choisir un autre évaluateur" in reassign
    assert _active(instance, "jury2@demo.test", "candidat3@demo.test") == 0


def _allocate(admin, session_url, instance) -> None:
    admin.goto(session_url)
    admin.get_by_role("link", name="Répartition des copies").first.click()
    admin.get_by_role("button", name="Répartir automatiquement").click()
    admin.wait_for_load_state()
    assert re.search(r"\d+ affectations créées", admin.content()), admin.content()
    pending = admin.locator("section#restantes").inner_text()
    assert "Chaque copie a ses évaluateurs." in pending, pending
    # Two evaluators per written work, and the conflicted pairs avoided.
    [(short,)] = _rows(instance, """
        SELECT count(*) FROM (SELECT a.enrolment_id, a.exam_id, count(*) AS n
        FROM assignments a JOIN exams x ON x.id = a.exam_id JOIN blocks b ON b.id = x.block_id
        JOIN certification_sessions s ON s.id = x.session_id
        WHERE a.withdrawn_at IS NULL AND b.number IN (1, 2) AND s.name = ?
        GROUP BY a.enrolment_id, a.exam_id) WHERE n != 2""", SESSION)
    assert short == 0
    assert _active(instance, "jury3@demo.test", "candidat1@demo.test") == 0  # her trainee
    assert _active(instance, "jury2@demo.test", "candidat3@demo.test") == 0  # his colleague
    assert _active(instance, "jury2@demo.test", "candidat1@demo.test") == 2  # blocs 1 and 2
    workload = admin.locator("section[aria-labelledby=workload-title]").inner_text()
    assert "Nadia Roux" in workload and "Karim Benali" in workload


def _plan_the_oral_panels(admin, session_url, instance) -> None:
    [(day,)] = _rows(instance, "SELECT date(p.starts_at) FROM exam_parts p "
                           "JOIN exams x ON x.id = p.exam_id JOIN certification_sessions s "
                           "ON s.id = x.session_id WHERE p.kind = 'oral' AND s.name = ?",
                     SESSION)
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
    # Karim Benali may not hear his colleague: her slot keeps no jury, and says why.
    content = admin.content()
    assert "Jury appliqué à 2 créneau(x) de la salle « Salle Jury »" in content, content
    assert "Inès Lefèvre" in admin.locator(".flash-error").inner_text()
    ines = admin.locator("article[id^=slot-]").filter(has_text="Inès Lefèvre")
    ines.locator("summary").click()
    ines.get_by_label(re.compile("^Sophie Martin")).select_option(label="Président(e)")
    ines.get_by_label(re.compile("^Nadia Roux")).select_option(label="Membre")
    ines.get_by_role("button", name="Enregistrer pour ce créneau").click()
    admin.wait_for_load_state()
    assert "Jury du créneau enregistré." in admin.content()
    assert admin.locator("article[id^=slot-]").filter(has_text="jury à composer").count() == 0
    assert _active(instance, "jury3@demo.test", "candidat3@demo.test") == 3  # 1, 2 and the oral


def _sheet_id(instance, juror: str, candidate: str, bloc: int) -> int:
    [(assignment_id,)] = _rows(instance, """
        SELECT a.id FROM assignments a
        JOIN users j ON j.id = a.juror_id
        JOIN enrolments e ON e.id = a.enrolment_id
        JOIN candidates c ON c.id = e.candidate_id JOIN users u ON u.id = c.user_id
        JOIN exams x ON x.id = a.exam_id JOIN blocks b ON b.id = x.block_id
        JOIN certification_sessions s ON s.id = x.session_id
        WHERE j.email = ? AND u.email = ? AND b.number = ? AND a.withdrawn_at IS NULL
        AND s.name = ?""", juror, candidate, bloc, SESSION)
    return assignment_id


def _saved_observations(instance, assignment_id: int) -> list[str]:
    return [o for (o,) in _rows(instance, """
        SELECT m.observation FROM criterion_marks m JOIN grading_sheets s ON s.id = m.sheet_id
        WHERE s.assignment_id = ? AND m.observation != '' ORDER BY m.id""", assignment_id)]


def _status(page, text: str) -> None:
    page.locator("[data-draft-status]").filter(has_text=text).wait_for(timeout=20_000)


def _loses_nothing_offline(browser, base, instance, console_errors) -> None:
    """Sophie Martin loses the network mid-form, closes the tab, and finds her text."""
    sheet = _sheet_id(instance, "jury1@demo.test", "candidat1@demo.test", 1)
    page = _login(browser, base, "jury1@demo.test", console_errors)
    context = page.context
    page.goto(f"{base}/jury/evaluations/{sheet}")
    context.set_offline(True)
    typed = "Audit solide, mais la veille concurrentielle reste superficielle."
    page.locator("textarea[name^='observation_']").first.fill(typed)
    page.locator("input[type=radio][value=partiellement_acquis]").first.check()
    _status(page, "Pas de connexion")
    assert _saved_observations(instance, sheet) == []
    page.close()  # the tab closed while offline: the copy stays in this browser
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"{base}/jury/evaluations/{sheet}")
    assert page.locator("textarea[name^='observation_']").first.input_value() == typed
    assert "retrouvée dans ce navigateur" in page.locator(".draft-notice").inner_text()
    _status(page, "Brouillon enregistré")
    assert _saved_observations(instance, sheet) == [typed]


def _stale_tab_keeps_its_text(browser, base, instance, console_errors):
    """Karim Benali has the same sheet open in two tabs; the second save is refused."""
    sheet = _sheet_id(instance, "jury2@demo.test", "candidat1@demo.test", 1)
    first = _login(browser, base, "jury2@demo.test", console_errors)
    second = first.context.new_page()
    for page in (first, second):
        page.goto(f"{base}/jury/evaluations/{sheet}")
    first.locator("textarea[name^='observation_']").first.fill("Saisie du premier onglet.")
    _status(first, "Brouillon enregistré")
    typed = "Saisie du second onglet, plus complète."
    second.locator("textarea[name^='observation_']").first.fill(typed)
    notice = second.locator(".draft-notice")
    notice.wait_for(timeout=20_000)
    assert "enregistrée depuis un autre onglet" in notice.inner_text()
    assert second.locator("textarea[name^='observation_']").first.input_value() == typed
    assert _saved_observations(instance, sheet) == ["Saisie du premier onglet."]
    notice.get_by_role("button", name="Enregistrer ma saisie à la place").click()
    _status(second, "Brouillon enregistré")
    assert _saved_observations(instance, sheet) == [typed]
    return second, sheet


def _expired_session_keeps_the_draft(page, base, instance, sheet) -> None:
    """Karim's login session expires while he types: he logs in again, the draft is there."""
    page.context.clear_cookies()
    typed = "Écrit après l'expiration de la session."
    page.locator("textarea[name^='observation_']").nth(1).fill(typed)
    notice = page.locator(".draft-notice").filter(has_text="Votre session a expiré")
    notice.wait_for(timeout=20_000)
    assert "jeton" not in notice.inner_text()
    notice.get_by_role("button", name="Se reconnecter").click()
    page.get_by_label("Adresse e-mail").fill("jury2@demo.test")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/jury/evaluations/{sheet}"), page.url
    assert page.locator("textarea[name^='observation_']").nth(1).input_value() == typed
    _status(page, "Brouillon enregistré")
    assert typed in _saved_observations(instance, sheet)


def test_juries_conflicts_allocation_panels_and_grading(platform, browser):
    base, instance, _chromium = platform
    console_errors: list[str] = []
    admin = _login(browser, base, "centre@demo.test", console_errors)
    session_url = _session_url(admin, base)
    _compose_failing_then_passing_jury(admin, base, session_url)
    _record_a_conflict(admin, session_url, instance)
    _allocate(admin, session_url, instance)
    _plan_the_oral_panels(admin, session_url, instance)
    _loses_nothing_offline(browser, base, instance, console_errors)
    page, sheet = _stale_tab_keeps_its_text(browser, base, instance, console_errors)
    _expired_session_keeps_the_draft(page, base, instance, sheet)
    # The browser logs the refusals the scenario provokes (offline, 409, 401) as errors.
    expected = ("ERR_INTERNET_DISCONNECTED", "409", "401")
    assert [e for e in console_errors if not any(x in e for x in expected)] == []
