"""Deliberation, PV and appeals in a real browser, as issue 10's « done when » reads, on the
demo's « Session de juin (délibération) »: a juror sees both evaluators' levels on the
disputed CR2.2.1; the president opens the deliberation, retains a level with its reason,
decides every bloc and closes; both members sign the PV in their own browsers (a wrong
password first), which is sealed (its PAdES signature checked, and broken by one byte);
the centre publishes through the confirmation page; Léa downloads her transcript; Hugo's
appeal is rejected with a reason; Léa's leads to a re-deliberation, an amendment signed by
both members, and her result changes. Every step is also read in the mail sink."""

from __future__ import annotations

import email
import email.policy
import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.browsing import login
from tests.processes import wait_until

pytestmark = pytest.mark.browser

SESSION = "Session de juin (délibération)"
LEA, HUGO = "Léa Dupont", "Hugo Moreau"
PRESIDENT, MEMBER, ADMIN = "jury1@demo.test", "jury2@demo.test", "centre@demo.test"
LEA_MAIL, HUGO_MAIL = "candidat1@demo.test", "candidat2@demo.test"


# -- the mail sink ---------------------------------------------------------------
def _mails(instance, to: str, subject: str) -> list:
    found = []
    for eml in sorted((instance / "mail").glob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        if message["To"] == to and subject in message["Subject"]:
            found.append(message)
    return found


def _mail(instance, to: str, subject: str) -> str:
    """The body of the one message to ``to`` whose subject contains ``subject``, once the
    worker has written it."""
    [message] = wait_until(lambda: _mails(instance, to, subject), 60,
                           f"« {subject} » to {to} in the mail sink")
    return message.get_body(preferencelist=("plain",)).get_content()


# -- what a person sees ----------------------------------------------------------
def _go(scope, role: str, name, **options) -> None:
    """Click the link or button ``name`` in ``scope`` and wait for the page it leads to
    (two submissions in a row may flash the same message: the old page must not count)."""
    page = getattr(scope, "page", scope)
    with page.expect_navigation():
        scope.get_by_role(role, name=name, **options).click()
    page.wait_for_load_state()


def _flash(page, text: str) -> None:
    page.locator(".flash").filter(has_text=text).first.wait_for(timeout=15_000)


def _candidate(page, name: str):
    return page.locator("article.deliberation-candidate").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(name))))


def _bloc(article, n: int):
    details = article.locator("details.deliberation-bloc").filter(
        has=article.page.locator("summary", has_text=f"Bloc {n} —"))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def _download(page, link: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    return Path(info.value.path()).read_bytes()


# -- the deliberation ------------------------------------------------------------
def _deliberation_url(juror, base) -> str:
    juror.goto(base + "/jury/")
    assert juror.get_by_role("heading", name="Délibérations").is_visible()
    _go(juror, "link", f"Délibération de la session « {SESSION} »")
    assert re.search(r"/sessions/\d+/deliberation$", juror.url), juror.url
    return juror.url


def _wait_for_the_proposals(president) -> None:
    """The worker computes the proposals shortly after start: until then the screen says
    they are not current, and offers no opening."""
    deadline = time.monotonic() + 90
    opening = president.get_by_role("button", name="Ouvrir la délibération")
    while not opening.count():
        assert "Les propositions de résultats ne sont pas à jour" in president.content()
        assert time.monotonic() < deadline, "the proposals were never computed"
        time.sleep(1)
        president.reload()
        president.wait_for_load_state()


def _member_sees_the_disagreement(member, url) -> None:
    member.goto(url)
    assert member.get_by_role("button", name="Ouvrir la délibération").count() == 0
    assert "Le président du jury ou un administrateur de la session ouvre" in member.content()
    row = _bloc(_candidate(member, LEA), 2).locator("tr.disputed")
    assert row.count() == 1
    text = row.inner_text()
    assert "CR2.2.1" in text and "désaccord" in text
    # Both evaluators' levels and observations, side by side.
    assert "Sophie Martin : acquis" in text, text
    assert "Karim Benali : partiellement acquis" in text, text
    assert "le référencement n'est pas travaillé" in text
    # Hugo was graded « acquis » everywhere: nothing disputed.
    assert _bloc(_candidate(member, HUGO), 2).locator("tr.disputed").count() == 0


def _level_select(scope):
    return scope.get_by_role("combobox", name=re.compile(r"^Niveau retenu pour CR2\.2\.1"))


def _decide(page, article_name: str, n: int, outcome: str, reason: str = "",
            retained: tuple[str, str] | None = None) -> None:
    details = _bloc(_candidate(page, article_name), n)
    if retained is not None:
        _level_select(details).select_option(label=retained[0])
        details.get_by_label("Raison du niveau retenu pour CR2.2.1").fill(retained[1])
    details.get_by_label(outcome, exact=True).check()
    details.get_by_label("Raison de la décision").fill(reason)
    _go(details, "button", f"Enregistrer la décision du bloc {n}")
    _flash(page, f"Décision enregistrée pour le bloc {n}.")


def _deliberate(president, url) -> None:
    president.goto(url)
    # Today's date is offered; the president keeps it.
    held_on = president.get_by_label("Date de la délibération").input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", held_on), held_on
    president.get_by_label("Lieu").fill("Salle du jury, Centre Démo")
    _go(president, "button", "Ouvrir la délibération")
    _flash(president, "La délibération est ouverte.")
    assert "État de la délibération : ouverte" in president.locator("main").inner_text()
    assert "0 décisions sur 6 prises" in president.content()
    assert president.get_by_role("button", name="Clore la délibération").is_disabled()
    _decide(president, LEA, 2, "Validé",
            "Le livrable publié répond à l'essentiel de la consigne du bloc.",
            retained=("acquis", "Le référencement est traité dans l'annexe du livrable."))
    lea = _candidate(president, LEA)
    grid = _bloc(lea, 2).locator("tr.disputed").inner_text()
    assert "acquis (retenu par le jury)" in grid, grid
    assert "Le livrable publié répond" in _bloc(lea, 2).inner_text()
    for n in (1, 3):
        _decide(president, LEA, n, "Validé")
    for n in (1, 2, 3):
        _decide(president, HUGO, n, "Validé")
    assert "6 décisions sur 6 prises" in president.content()
    for name in (LEA, HUGO):
        assert "décidé" in _candidate(president, name).get_by_role("heading").inner_text()
    _go(president, "button", "Clore la délibération et dresser le procès-verbal")
    _flash(president, "La délibération est close.")
    assert re.search(r"/pv/0$", president.url), president.url


# -- the PV ----------------------------------------------------------------------
def _sign(page, pv_url, *, last: bool) -> None:
    page.goto(pv_url)
    page.get_by_label("Votre mot de passe").fill("pas-le-bon")
    _go(page, "button", "Signer le procès-verbal")
    _flash(page, "Mot de passe incorrect")
    assert page.get_by_label("Votre mot de passe").input_value() == ""
    page.get_by_label("Votre mot de passe").fill("demo")
    _go(page, "button", "Signer le procès-verbal")
    _flash(page, "le procès-verbal est scellé." if last else "Votre signature est enregistrée.")
    assert page.get_by_role("button", name="Signer le procès-verbal").count() == 0


def _sign_both(president, member, base, instance, session_id: int, number: int) -> None:
    what = ("le procès-verbal de délibération" if number == 0
            else f"l'avenant n° {number} au procès-verbal")
    path = f"/sessions/{session_id}/pv/{number}"
    pv_url = base + path
    for juror in (PRESIDENT, MEMBER):
        body = _mail(instance, juror, f"À signer : {what} de la session « {SESSION} »")
        assert path in body, body  # the link to the PV (on the configured BASE_URL)
    president.goto(pv_url)
    assert "0 signatures sur 2" in president.content()
    assert "Télécharger le procès-verbal à relire avant de signer (PDF)" in president.content()
    _sign(president, pv_url, last=False)
    assert "1 signature sur 2" in president.content()
    # The member reaches it from the jurors' page, where it waits for them.
    member.goto(base + "/jury/")
    label = "procès-verbal à signer" if number == 0 else f"avenant n° {number} à signer"
    _go(member, "link", label)
    assert member.url == pv_url
    _sign(member, pv_url, last=True)
    signatures = member.locator("section[aria-labelledby=signatures-heading]").inner_text()
    assert "Sophie Martin" in signatures and "Président(e) du jury" in signatures
    assert "Karim Benali" in signatures and "Membre du jury" in signatures
    assert "Signature électronique du document vérifiée" in member.content()
    assert "scellé le" in member.content()


def _sealed_pdf_checks(page, instance) -> None:
    """The sealed PV verifies with the platform's key; one byte changed breaks it."""
    from pypdf import PdfReader

    from assess import create_app
    from assess.signing.keys import clear_cache
    from assess.signing.pades import verify_pdf
    from config import TestConfig

    sealed = _download(page, "Télécharger le procès-verbal scellé (PDF)")
    assert sealed.startswith(b"%PDF")
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(sealed)).pages)
                    .split())
    for seen in (LEA, HUGO, "CR2.2.1", "Le référencement est traité", "Karim Benali"):
        assert seen in text, (seen, text[:800])
    *_, signed = [tuple(map(int, m.groups())) for m in re.finditer(
        rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", sealed)]
    middle = len(sealed) // 2
    # A byte the seal covers, not one of the signature's own placeholder (left unsigned).
    assert signed[0] <= middle < signed[0] + signed[1] or \
        signed[2] <= middle < signed[2] + signed[3], (middle, signed)
    broken = bytearray(sealed)
    broken[middle] ^= 0xFF
    # An app on the same instance folder: the platform's key is the one generated there.
    config = TestConfig.under(instance.parent)
    assert config["INSTANCE_PATH"] == instance
    app = create_app(config)

    def verify(pdf: bytes):
        with app.app_context():
            return verify_pdf(pdf)

    # In a thread of its own: pyHanko runs its own asyncio loop, which cannot start in
    # this one, where Playwright's sync API already runs a loop.
    clear_cache()
    with ThreadPoolExecutor(max_workers=1) as pool:
        good, bad = pool.map(verify, (sealed, bytes(broken)))
    clear_cache()
    assert good.valid, good
    assert good.signer == "assess — plateforme de certification"
    assert not bad.valid and bad.problem, bad


# -- publication and the candidates ------------------------------------------------
def _publish(admin, base, session_id: int) -> None:
    admin.goto(f"{base}/sessions/{session_id}/resultats")
    _go(admin, "link", "Publier les résultats…")
    summary = admin.locator("section[aria-labelledby=summary-heading]").inner_text()
    assert "2 candidats verront leurs résultats et recevront un e-mail" in summary, summary
    assert "6 blocs validés sur 6 décidé(s)" in summary, summary
    assert "2 titres délivrés" in summary, summary
    _go(admin, "button", "Publier les résultats de 2 candidats")
    _flash(admin, "Résultats publiés : 2 candidat(s)")
    assert "Les résultats sont publiés et visibles par les candidats." in admin.content()


def _results(candidate, base):
    candidate.goto(base + "/resultats")
    candidate.wait_for_load_state()
    return candidate.locator("article").filter(
        has=candidate.get_by_role("heading", name=SESSION, exact=True))


def _outcomes(article) -> list[str]:
    rows = article.locator("tbody tr")
    return [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())]


def _transcript_names_lea(lea, base) -> None:
    from pypdf import PdfReader

    article = _results(lea, base)
    assert "titre obtenu" in article.inner_text()
    assert _outcomes(article) == ["validé"] * 3
    data = _download(lea, "Télécharger mon relevé de résultats (PDF)")
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert LEA in text, text[:500]
    assert SESSION in " ".join(text.split())


def _file_appeal(candidate, base, reason: str) -> None:
    article = _results(candidate, base)
    assert "Vous pouvez contester ce résultat jusqu'au" in article.inner_text()
    _go(article, "link", "former un recours")
    assert re.search(r"/resultats/\d+/recours$", candidate.url), candidate.url
    candidate.get_by_label("Motif du recours").fill(reason)
    _go(candidate, "button", "Déposer le recours")
    _flash(candidate, "Votre recours est enregistré.")
    status = candidate.locator("section[aria-labelledby=status-heading]").inner_text()
    assert "État : déposé" in status and reason in status, status


def _open_appeal(admin, base, session_id: int, name: str) -> None:
    admin.goto(f"{base}/sessions/{session_id}/recours")
    _go(admin, "link", name)
    assert admin.get_by_role("heading", name=f"Recours de {name}").is_visible()
    _go(admin, "button", "Prendre le recours en examen")
    _flash(admin, "C'est enregistré ; le candidat en est informé.")
    assert admin.get_by_role("button", name="Prendre le recours en examen").count() == 0


def _answer(admin, reason: str, button: str) -> None:
    admin.get_by_label("Motif de la réponse").fill(reason)
    _go(admin, "button", button)
    _flash(admin, "C'est enregistré ; le candidat en est informé.")


def _hugo_is_rejected(hugo, admin, base, instance, session_id: int) -> None:
    _file_appeal(hugo, base, "Je conteste la note de l'oral, passé dans de mauvaises "
                             "conditions sonores.")
    assert SESSION in _mail(instance, HUGO_MAIL, "Votre recours est enregistré")
    _open_appeal(admin, base, session_id, HUGO)
    _mail(instance, HUGO_MAIL, "Votre recours est en cours d'examen")
    reason = "Le procès-verbal de l'oral ne relève aucun incident ; tous vos blocs sont validés."
    _answer(admin, reason, "Rejeter le recours")
    assert reason in admin.content()
    assert admin.get_by_role("button", name="Délibérer de nouveau").count() == 0
    body = _mail(instance, HUGO_MAIL, "Réponse à votre recours")
    assert "Votre recours est rejeté" in body and reason in " ".join(body.split())
    hugo.goto(base + "/resultats")
    assert "suivre mon recours" in hugo.content()
    _go(hugo, "link", "suivre mon recours")
    status = hugo.locator("section[aria-labelledby=status-heading]").inner_text()
    assert "État : rejeté" in status and reason in status, status


def _redecide(admin, n: int, outcome: str, reason: str = "") -> None:
    article = admin.locator("article").filter(
        has=admin.get_by_role("heading", name=re.compile(rf"^Bloc {n} —")))
    if _level_select(article).count():  # the level retained at first is kept
        assert _level_select(article).input_value() == "acquis"
    article.get_by_label(outcome, exact=True).check()
    article.get_by_label("Raison de la décision").fill(reason)
    _go(article, "button", f"Enregistrer la nouvelle décision du bloc {n}")
    _flash(admin, f"Nouvelle décision enregistrée pour le bloc {n}.")


def _lea_is_redeliberated(lea, admin, president, member, base, instance, session_id) -> None:
    _file_appeal(lea, base, "Mon audit du bloc 1 a été évalué sur une version antérieure "
                            "de mon livrable.")
    _mail(instance, LEA_MAIL, "Votre recours est enregistré")
    _open_appeal(admin, base, session_id, LEA)
    _mail(instance, LEA_MAIL, "Votre recours est en cours d'examen")
    _answer(admin, "Le jury réexamine le bloc 1 au vu de la version déposée.",
            "Délibérer de nouveau")
    assert "Le jury délibère de nouveau" in _mail(
        instance, LEA_MAIL, "Votre recours donne lieu à une nouvelle délibération")
    assert admin.get_by_role("button", name="Dresser l'avenant au procès-verbal").is_disabled()
    _redecide(admin, 1, "Non validé",
              "La version déposée ne contient pas l'audit de la communication demandé.")
    _redecide(admin, 2, "Validé", "Le jury maintient sa décision sur le bloc 2.")
    _redecide(admin, 3, "Validé")
    text = admin.locator("main").inner_text()
    assert re.search(r"Bloc 1 — .*\n+Décision publiée : validé — nouvelle décision : non validé",
                     text), text
    _go(admin, "button", "Dresser l'avenant au procès-verbal")
    _flash(admin, "L'avenant est dressé")
    assert re.search(rf"/sessions/{session_id}/pv/1$", admin.url), admin.url
    # The published result holds until the amendment is sealed.
    assert _outcomes(_results(lea, base)) == ["validé"] * 3
    _sign_both(president, member, base, instance, session_id, 1)
    assert "Avenant n° 1 au procès-verbal" in member.content()
    admin.goto(f"{base}/sessions/{session_id}/recours")
    _go(admin, "link", LEA)
    appeal_url = admin.url
    assert "scellé" in admin.locator("main").inner_text()
    _go(admin, "button", "Clore le recours et informer le candidat")
    _flash(admin, "C'est enregistré ; le candidat en est informé.")
    assert admin.url == appeal_url
    assert "l'avenant au procès-verbal est signé" in _mail(instance, LEA_MAIL,
                                                           "Nouvelle décision du jury")
    article = _results(lea, base)
    assert _outcomes(article) == ["non validé", "validé", "validé"], _outcomes(article)
    assert "non obtenu" in article.inner_text()
    assert "titre obtenu" not in article.inner_text()


def test_deliberation_pv_publication_and_appeals(platform, browser):
    base, instance, _chromium = platform
    console_errors: list[str] = []
    president = login(browser, base, PRESIDENT, console_errors)
    url = _deliberation_url(president, base)
    session_id = int(re.search(r"/sessions/(\d+)/", url).group(1))
    _wait_for_the_proposals(president)
    member = login(browser, base, MEMBER, console_errors)
    assert _deliberation_url(member, base) == url
    _member_sees_the_disagreement(member, url)
    _deliberate(president, url)

    _sign_both(president, member, base, instance, session_id, 0)
    _sealed_pdf_checks(member, instance)

    admin = login(browser, base, ADMIN, console_errors)
    lea = login(browser, base, LEA_MAIL, console_errors)
    assert "ne sont pas encore publiés" in _results(lea, base).inner_text()
    _publish(admin, base, session_id)
    _transcript_names_lea(lea, base)

    hugo = login(browser, base, HUGO_MAIL, console_errors)
    _hugo_is_rejected(hugo, admin, base, instance, session_id)
    _lea_is_redeliberated(lea, admin, president, member, base, instance, session_id)
    # The wrong passwords answer 422, which the browser logs as an error.
    assert [e for e in console_errors if "422" not in e] == []
