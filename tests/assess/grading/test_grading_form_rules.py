"""The grille's rules and its bad input: observation required below « acquis » on submit
(a draft may be incomplete), limits, control characters, markup kept as typed and escaped,
levels and criteria outside the bloc, errors announced and linked, overall comment."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.grading.models import CriterionMark, SheetStatus
from tests.assess.grading.grading_helpers import (
    bloc_assignment,
    criteria,
    form_data,
    html_of,
    sheet_of,
    sheet_url,
)


@pytest.fixture
def juror_on_bloc1(client, as_user, grading_world):
    as_user(grading_world.jurors[0])
    return bloc_assignment(grading_world, 1)


def test_each_line_has_its_code_text_competence_on_demand_and_a_labelled_scale(
        client, juror_on_bloc1):
    a = juror_on_bloc1
    html = html_of(client.get(sheet_url(a)))
    cr11, cr12 = criteria(a)[:2]
    line = html[html.index("<legend>CR1.1</legend>"):html.index("<legend>CR1.2</legend>")]
    assert cr11.text in line
    assert '<details class="competence">' in line and cr11.competence_text in line
    assert "<summary>Compétence évaluée : C1.1</summary>" in line
    # CR1.2 has no text yet: flagged, and its competence shown open (graded against it).
    line = html[html.index("<legend>CR1.2</legend>"):html.index("<legend>CR1.3.1</legend>")]
    assert "« libellé du critère à compléter par le certificateur »" in line
    assert '<details class="competence" open>' in line and cr12.competence_text in line
    assert f'<label for="level_{cr11.id}-0">' in html
    assert "<legend>Niveau atteint pour CR1.1</legend>" in html
    assert 'data-max-chars="5000"' in html
    assert "<legend>Appréciation générale</legend>" in html
    assert 'name="overall_comment"' in html


def test_a_draft_may_be_incomplete_but_submit_needs_an_observation_below_acquis(
        client, db, juror_on_bloc1):
    a = juror_on_bloc1
    cr11, cr12 = criteria(a)[:2]
    levels = {"CR1.1": "non_acquis", "CR1.2": "partiellement_acquis"}
    response = client.post(sheet_url(a), data=form_data(a, levels=levels))
    assert response.status_code == 302  # a draft: nothing required
    version = sheet_of(db, a).version

    response = client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", levels=levels, observations={"CR1.2": "Partiel, gardé"},
        version=version, action="confirm"))
    assert response.status_code == 422
    html = html_of(response)
    assert "Justifiez par une observation chaque niveau autre que « acquis » (manquant : CR1.1)" \
        in html
    assert "Une observation est nécessaire pour ce niveau." in html
    assert f'aria-describedby="observation_{cr11.id}-hint observation_{cr11.id}-errors"' in html
    assert f'<small id="observation_{cr11.id}-errors" class="field-error" role="alert">' in html
    assert f'<a href="#observation_{cr11.id}">' in html  # linked from the summary
    assert "Partiel, gardé</textarea>" in html
    assert f'checked id="level_{cr12.id}-1"' in html
    sheet = sheet_of(db, a)
    assert sheet.status == SheetStatus.DRAFT and sheet.version == version

    # « acquis » needs no observation: justified lines below it suffice.
    response = client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", levels=levels,
        observations={"CR1.1": "Non acquis : pas d'audit", "CR1.2": "Partiel"},
        version=version, action="confirm"))
    assert response.status_code == 302
    assert sheet_of(db, a).status == SheetStatus.SUBMITTED


def test_missing_levels_and_observations_are_reported_together(client, db, juror_on_bloc1):
    a = juror_on_bloc1
    response = client.post(sheet_url(a), data=form_data(
        a, levels={"CR1.1": "non_acquis"}, action="submit"))
    assert response.status_code == 422
    html = html_of(response)
    assert "Indiquez un niveau pour chaque critère" in html
    assert "manquant : CR1.1)" in html
    assert sheet_of(db, a) is None


def test_an_observation_of_100000_characters_is_refused_with_the_limit(client, db,
                                                                      juror_on_bloc1):
    a = juror_on_bloc1
    huge = "é" * 100_000
    response = client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": huge, "CR1.2": "Gardé aussi"}))
    assert response.status_code == 422
    html = html_of(response)
    assert "Texte trop long : 100000 caractères pour 5000 au plus." in html
    assert huge in html and "Gardé aussi" in html
    assert sheet_of(db, a) is None


@pytest.mark.parametrize("bad", ["avant\x00après", "bip\x07", "échap\x1b[31m", "del\x7f"])
def test_control_characters_and_nul_bytes_are_refused_beside_the_field(client, db,
                                                                       juror_on_bloc1, bad):
    a = juror_on_bloc1
    cr11 = criteria(a)[0]
    response = client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": bad, "CR1.2": "Texte sain"}))
    assert response.status_code == 422
    html = html_of(response)
    assert "caractère invisible non autorisé (caractère de contrôle)" in html
    assert f'<small id="observation_{cr11.id}-errors" class="field-error" role="alert">' in html
    assert "Texte sain</textarea>" in html
    assert sheet_of(db, a) is None


def test_tabs_and_line_breaks_are_kept(client, db, juror_on_bloc1):
    a = juror_on_bloc1
    client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": "Points :\r\n\t- veille\r\n\t- budget"}))
    mark = sheet_of(db, a).marks[0]
    assert mark.observation == "Points :\n\t- veille\n\t- budget"


def test_html_and_script_are_stored_as_typed_and_escaped_on_the_page(client, db,
                                                                     juror_on_bloc1):
    a = juror_on_bloc1
    typed = '<script>alert("x")</script><b>gras</b> & <img src=x onerror=alert(1)>'
    client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": typed}, evidence={"CR1.2": "<i>p. 3</i>"},
        overall_comment="<h1>Titre</h1>"))
    sheet = sheet_of(db, a)
    assert sheet.marks[0].observation == typed
    assert sheet.marks[1].evidence == "<i>p. 3</i>"
    assert sheet.overall_comment == "<h1>Titre</h1>"
    raw = client.get(sheet_url(a)).get_data(as_text=True)
    assert "<script>alert" not in raw and "<b>gras</b>" not in raw
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in raw
    assert "<h1>Titre</h1>" not in raw and "&lt;h1&gt;Titre&lt;/h1&gt;" in raw


def test_a_level_outside_the_scale_keeps_everything_typed(client, db, juror_on_bloc1):
    a = juror_on_bloc1
    cr11 = criteria(a)[0]
    response = client.post(sheet_url(a), data=form_data(
        a, levels={"CR1.1": "excellent", "CR1.2": "acquis"},
        observations={"CR1.3.1": "Gardé"}, overall_comment="Commentaire gardé"))
    assert response.status_code == 422
    html = html_of(response)
    assert f'<small id="level_{cr11.id}-errors" class="field-error" role="alert">' in html
    assert f'aria-describedby="level_{cr11.id}-errors"' in html
    assert f'checked id="level_{criteria(a)[1].id}-2"' in html
    assert "Gardé</textarea>" in html and "Commentaire gardé</textarea>" in html
    assert 'id="form-errors"' in html and "data-focus-on-load" in html
    assert sheet_of(db, a) is None


def test_a_criterion_of_another_bloc_is_refused(client, db, grading_world, juror_on_bloc1):
    a = juror_on_bloc1
    other = criteria(bloc_assignment(grading_world, 2))[0]
    data = form_data(a, observations={"CR1.1": "Gardé"})
    data[f"level_{other.id}"] = "acquis"
    data[f"observation_{other.id}"] = "Intrus"
    response = client.post(sheet_url(a), data=data)
    assert response.status_code == 422
    html = html_of(response)
    assert "Ce critère n'appartient pas au bloc de cette épreuve." in html
    assert "Gardé</textarea>" in html
    assert db.session.scalar(select(CriterionMark)) is None


def test_the_overall_comment_is_saved_and_audited(client, db, juror_on_bloc1):
    a = juror_on_bloc1
    client.post(sheet_url(a), data=form_data(a, overall_comment="Bonne copie dans l'ensemble"))
    sheet = sheet_of(db, a)
    assert sheet.overall_comment == "Bonne copie dans l'ensemble"
    html = html_of(client.get(sheet_url(a)))
    assert "Bonne copie dans l'ensemble</textarea>" in html
    client.post(sheet_url(a), data=form_data(a, overall_comment="Revu", version=sheet.version))
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "sheet.changed").order_by(AuditEvent.id)).all()
    assert [(e.old["overall_comment"], e.new["overall_comment"]) for e in events] == [
        ("", "Bonne copie dans l'ensemble"), ("Bonne copie dans l'ensemble", "Revu")]
    assert sheet_of(db, a).overall_comment == "Revu"


def test_every_group_of_fields_has_a_fieldset_and_legend(client, juror_on_bloc1):
    html = client.get(sheet_url(juror_on_bloc1)).get_data(as_text=True)
    assert html.count("<fieldset") == len(re.findall(r"<legend>", html))
    assert html.count('class="criterion"') == 6
