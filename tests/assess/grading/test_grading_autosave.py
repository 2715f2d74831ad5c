"""The autosave endpoint (JSON) of the grille: saved, stale, logged out, CSRF, invalid;
the page's hooks for the script; a fixed number of statements per save."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assess.grading.models import CriterionMark
from tests.assess.grading.grading_helpers import (
    bloc_assignment,
    criteria,
    draft_fields,
    draft_url,
    form_data,
    html_of,
    sheet_of,
    sheet_url,
)


def _post(client, assignment, version=0, **kwargs):
    return client.post(draft_url(assignment), json={
        "version": version, "fields": draft_fields(assignment, **kwargs)})


@pytest.fixture
def a(client, as_user, grading_world):
    as_user(grading_world.jurors[0])
    return bloc_assignment(grading_world, 1)


def test_a_draft_is_saved_and_answers_its_version(client, db, a):
    response = _post(client, a, levels={"CR1.1": "acquis"},
                     observations={"CR1.1": "Tapé au fil de l'eau"})
    assert response.status_code == 200
    sheet = sheet_of(db, a)
    assert response.json["version"] == sheet.version
    assert response.json["saved_at"].endswith("Z")
    assert sheet.marks[0].observation == "Tapé au fil de l'eau"
    assert sheet.marks[0].level == "acquis"
    assert response.headers["Cache-Control"] == "no-store"
    # The next save goes on from the version answered; the HTML form gets it too.
    again = _post(client, a, version=response.json["version"],
                  observations={"CR1.1": "Suite"})
    assert again.status_code == 200 and again.json["version"] > response.json["version"]
    assert f'value="{again.json["version"]}"' in html_of(client.get(sheet_url(a)))


def test_a_stale_save_answers_409_with_the_saved_version(client, db, a):
    first = _post(client, a, observations={"CR1.1": "Onglet 1"})
    response = _post(client, a, version=0, observations={"CR1.1": "Onglet 2"})
    assert response.status_code == 409
    body = response.json
    assert body["code"] == "stale" and body["version"] == first.json["version"]
    cr11 = criteria(a)[0]
    assert body["saved"][f"observation_{cr11.id}"] == "Onglet 1"
    assert "autre onglet" in body["message"]
    assert sheet_of(db, a).marks[0].observation == "Onglet 1"


def test_a_logged_out_user_gets_401_json_not_a_redirect(client, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    response = _post(client, a, observations={"CR1.1": "Perdu ?"})
    assert response.status_code == 401
    assert response.json["code"] == "login"
    assert response.json["message"] == (
        "Votre session a expiré. Reconnectez-vous : ce que vous avez saisi est gardé dans "
        "ce navigateur.")
    assert "/login" in response.json["login_url"]
    assert sheet_of(db, a) is None


def test_other_roles_get_403_json_and_other_jurors_404(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.centre_admin)
    response = _post(client, a)
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    as_user(grading_world.jurors[1])
    assert _post(client, a).status_code == 404
    assert sheet_of(db, a) is None


def test_the_csrf_token_is_required_in_the_header(client, app, db, a):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(sheet_url(a)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = _post(client, a, observations={"CR1.1": "Sans jeton"})
    assert response.status_code == 400 and response.json["code"] == "csrf"
    assert "Reconnectez-vous" in response.json["message"]
    assert sheet_of(db, a) is None
    response = client.post(draft_url(a), headers={"X-CSRFToken": token}, json={
        "version": 0, "fields": draft_fields(a, observations={"CR1.1": "Avec jeton"})})
    assert response.status_code == 200
    assert sheet_of(db, a).marks[0].observation == "Avec jeton"


@pytest.mark.parametrize(("typed", "words"), [
    ({"levels": {"CR1.1": "excellent"}}, "Choisissez un des niveaux"),
    ({"observations": {"CR1.1": "x" * 100_000}}, "5000 au plus"),
    ({"observations": {"CR1.1": "nul\x00"}}, "caractère de contrôle"),
])
def test_invalid_values_answer_422_with_the_fields_errors(client, db, a, typed, words):
    response = _post(client, a, **typed)
    assert response.status_code == 422 and response.json["code"] == "invalid"
    [(name, messages)] = response.json["errors"].items()
    assert name.endswith(f"_{criteria(a)[0].id}") and words in " ".join(messages)
    assert sheet_of(db, a) is None


def test_a_criterion_of_another_bloc_and_a_bad_body_are_refused(client, db, grading_world,
                                                                a):
    other = criteria(bloc_assignment(grading_world, 2))[0]
    response = client.post(draft_url(a), json={"version": 0, "fields": {
        f"level_{other.id}": "acquis"}})
    assert response.status_code == 422
    assert "n'appartient pas au bloc" in response.json["message"]
    for body in ([1, 2], {"version": 0}, {"version": 0, "fields": {"x": [1]}},
                 {"version": True, "fields": {}}):
        assert client.post(draft_url(a), json=body).status_code == 400
    assert client.post(draft_url(a), data="pas du json",
                       content_type="application/json").status_code == 400
    assert db.session.scalar(select(CriterionMark)) is None


def test_a_bloc3_draft_keeps_the_oral_fields_and_the_absence(client, db, grading_world, a):
    b3 = bloc_assignment(grading_world, 3)
    response = _post(client, b3, oral_evidence={"CR3.2": "À l'oral"}, absent=True)
    assert response.status_code == 200
    sheet = sheet_of(db, b3)
    assert sheet.candidate_absent is True
    assert [m.oral_evidence for m in sheet.marks][1] == "À l'oral"
    fields = draft_fields(b3)
    fields["candidate_absent"] = False
    response = client.post(draft_url(b3), json={"version": response.json["version"],
                                                "fields": fields})
    assert response.status_code == 200 and sheet_of(db, b3).candidate_absent is False


def test_the_page_gives_the_script_what_it_needs(client, grading_world, a):
    html = html_of(client.get(sheet_url(a)))
    juror = grading_world.jurors[0]
    assert f'data-draft-key="assess-grading-draft:{juror.id}:{a.id}"' in html
    assert f'data-draft-url="/jury/grilles/{a.id}/brouillon"' in html
    assert f"data-login-url=\"/login?next=/jury/evaluations/{a.id}\"" in html or (
        f"data-login-url=\"/login?next=%2Fjury%2Fevaluations%2F{a.id}\"" in html)
    assert ("Votre session a expiré. Reconnectez-vous : ce que vous avez saisi est gardé "
            "dans ce navigateur.") in html
    assert 'data-msg-saved="Brouillon enregistré à {time}."' in html
    script = client.get("/static/js/grading-draft.js")
    body = script.get_data(as_text=True)
    script.close()
    for needle in ("localStorage", "X-CSRFToken", '"online"', "showModal", "fetch("):
        assert needle in body


def test_logging_out_clears_the_browser_copies(client, a):
    html = html_of(client.get(sheet_url(a)))
    assert 'data-clear-storage="assess-grading-draft:"' in html
    assert '<script src="/static/js/logout.js" defer></script>' in html
    script = client.get("/static/js/logout.js")
    assert b"data-clear-storage" in script.data and b"removeItem" in script.data
    script.close()


def _statements(count_queries, client, url, data, *, json=False):
    with count_queries() as statements:
        response = client.post(url, json=data) if json else client.post(url, data=data)
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    return len(statements)


@pytest.mark.parametrize("json", [False, True], ids=["form", "json"])
def test_statements_per_save_do_not_depend_on_the_number_of_criteria(
        client, as_user, world, db, count_queries, json):
    w = world(candidates=2, jurors=1)
    as_user(w.jurors[0])
    first, second = (next(x for x in w.assignments if x.exam.block.number == 1
                          and x.enrolment_id == e.id) for e in w.enrolments)
    codes = [c.code for c in criteria(first)]
    assert len(codes) == 6

    def payload(assignment, chosen, text, version=0):
        levels = {code: "acquis" for code in chosen}
        observations = {code: text for code in chosen}
        if json:
            return {"version": version, "fields": draft_fields(
                assignment, levels=levels, observations=observations)}
        return form_data(assignment, levels=levels, observations=observations,
                         version=version)

    def url(assignment):
        return draft_url(assignment) if json else sheet_url(assignment)

    # Creating the sheet: 4 criteria typed, or all 6.
    four = _statements(count_queries, client, url(first), payload(first, codes[:4], "v1"),
                       json=json)
    six = _statements(count_queries, client, url(second), payload(second, codes, "v1"),
                      json=json)
    assert four == six
    # Changing it: 4 lines changed, or all 6.
    four = _statements(count_queries, client, url(first), payload(
        first, codes[:4], "v2", sheet_of(db, first).version), json=json)
    six = _statements(count_queries, client, url(second), payload(
        second, codes, "v2", sheet_of(db, second).version), json=json)
    assert four == six
