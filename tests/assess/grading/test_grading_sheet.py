"""The grille d'évaluation page: draft, submit, validation, stale edits, lock, blindness."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.grading.models import CriterionMark, GradingSheet, SheetStatus
from assess.sessions.models import SessionStatus
from tests.assess.grading.grading_helpers import (
    bloc_assignment,
    criteria,
    form_data,
    sheet_url,
)
from tests.factories import assign, move_to


def _html(response) -> str:
    return unescape(response.get_data(as_text=True))


def _sheet(db, assignment) -> GradingSheet | None:
    db.session.expire_all()
    return db.session.scalar(select(GradingSheet).where(
        GradingSheet.assignment_id == assignment.id))


def _events(db, action=None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def test_shows_one_line_per_criterion_in_order_with_the_scale(client, as_user, grading_world):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    html = _html(client.get(sheet_url(a)))
    codes = re.findall(r'<legend>(CR[\d.]+)</legend>', html)
    assert codes == ["CR1.1", "CR1.2", "CR1.3.1", "CR1.3.2", "CR1.3.3", "CR1.4"]
    assert html.count("<legend>Niveau atteint pour CR") == 6
    for c in criteria(a):
        for value in ("non_acquis", "partiellement_acquis", "acquis"):
            assert f'name="level_{c.id}" type="radio" value="{value}"' in html
    assert "partiellement acquis" in html
    assert "Compétence évaluée : C1.3.2" in html
    assert "Enregistrer le brouillon" in html and "Soumettre la grille" in html
    assert grading_world.candidates[0].full_name in html


def test_cr1_2_is_shown_with_its_competence_and_the_flag(client, as_user, grading_world):
    a = bloc_assignment(grading_world, 1)
    cr12 = next(c for c in criteria(a) if c.code == "CR1.2")
    assert cr12.text is None
    as_user(grading_world.jurors[0])
    html = _html(client.get(sheet_url(a)))
    line = html[html.index("<legend>CR1.2</legend>"):html.index("<legend>CR1.3.1</legend>")]
    assert cr12.competence_text in line
    assert "« libellé du critère à compléter par le certificateur »" in line


def test_save_draft_then_reload_shows_the_values(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    cr11, cr12 = criteria(a)[:2]
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(
        a, levels={"CR1.1": "acquis"}, observations={"CR1.1": "Veille bien structurée"},
        evidence={"CR1.2": "Dossier p. 4"}))
    assert response.status_code == 302
    sheet = _sheet(db, a)
    assert sheet.status == SheetStatus.DRAFT
    assert len(sheet.marks) == 6

    html = _html(client.get(sheet_url(a)))
    assert "Brouillon enregistré" in html
    assert f'checked id="level_{cr11.id}-2"' in html
    assert "Veille bien structurée</textarea>" in html
    assert f'id="evidence_{cr12.id}"' in html and 'value="Dossier p. 4"' in html
    assert f'data-draft-version="{sheet.version}"' in html
    index = _html(client.get("/jury/"))
    assert "brouillon" in index


def test_submit_with_a_missing_level_keeps_the_typing(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    data = form_data(a, default_level="acquis", levels={"CR1.3.2": None},
                     observations={"CR1.1": "Observation très détaillée du juré"},
                     action="submit")
    data.pop(f"level_{criteria(a)[3].id}", None)
    response = client.post(sheet_url(a), data=data)
    assert response.status_code == 422
    html = _html(response)
    assert "Observation très détaillée du juré</textarea>" in html
    assert 'id="form-errors"' in html and "data-focus-on-load" in html
    assert "manquant : CR1.3.2" in html
    assert "Choisissez un niveau pour ce critère." in html
    assert f'checked id="level_{criteria(a)[0].id}-2"' in html  # typed levels kept too
    assert _sheet(db, a) is None
    assert _events(db) == []


def test_an_observation_over_5000_characters_is_refused_and_kept(client, as_user,
                                                                 grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    long_text = "Analyse " + "x" * 5000
    response = client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": long_text, "CR1.2": "Court et gardé"}))
    assert response.status_code == 422
    html = _html(response)
    assert long_text in html and "Court et gardé" in html
    assert "Texte trop long : 5008 caractères pour 5000 au plus." in html
    assert _sheet(db, a) is None


def test_a_level_outside_the_scale_is_refused(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(
        a, levels={"CR1.1": "excellent"}, observations={"CR1.1": "Gardé"}))
    assert response.status_code == 422
    html = _html(response)
    assert "Choisissez un des niveaux de l'échelle." in html
    assert "Gardé</textarea>" in html
    assert _sheet(db, a) is None


def test_submit_locks_the_sheet_and_a_second_post_is_refused(client, as_user, grading_world,
                                                             db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", observations={"CR1.1": "Première version"},
        action="confirm"))
    assert response.status_code == 302
    sheet = _sheet(db, a)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at is not None
    version = sheet.version

    html = _html(client.get(sheet_url(a)))
    assert "Grille soumise" in html and "Première version" in html
    assert "Soumettre la grille" not in html and "<textarea" not in html

    events_before = len(_events(db))
    for action in ("save", "submit", "confirm"):
        response = client.post(sheet_url(a), data=form_data(
            a, default_level="non_acquis", observations={"CR1.1": "Tentative après coup"},
            version=version, action=action))
        assert response.status_code == 409
        html = _html(response)
        assert "Action impossible dans l'état « soumise »." in html
        assert "Tentative après coup" in html  # the refused typing is shown, not lost
        assert "<textarea" not in html  # read-only rendering
    sheet = _sheet(db, a)
    assert sheet.version == version
    assert {m.level for m in sheet.marks} == {"acquis"}
    assert len(_events(db)) == events_before


def test_a_stale_version_answers_409_with_the_typing_kept(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    cr11 = criteria(a)[0]
    as_user(grading_world.jurors[0])
    # Tab 1 saves first (creates version 1), tab 2 still holds the form of version 0.
    client.post(sheet_url(a), data=form_data(a, levels={"CR1.1": "acquis"},
                                             observations={"CR1.1": "Texte de l'onglet 1"}))
    current = _sheet(db, a).version
    response = client.post(sheet_url(a), data=form_data(
        a, levels={"CR1.1": "non_acquis"}, observations={"CR1.1": "Texte de l'onglet 2"},
        version=0))
    assert response.status_code == 409
    html = _html(response)
    assert "La grille a été modifiée entre-temps" in html
    assert "Texte de l'onglet 2</textarea>" in html
    assert f'checked id="level_{cr11.id}-0"' in html
    differences = html[html.index("grading-differences"):html.index("</table>")]
    assert "Texte de l'onglet 1" in differences and "Texte de l'onglet 2" in differences
    assert "non acquis" in differences and ">acquis<" in differences
    assert f'name="version" type="hidden" value="{current}"' in html
    sheet = _sheet(db, a)
    assert sheet.version == current
    assert sheet.marks[0].observation == "Texte de l'onglet 1"

    # Posting again with the version now shown knowingly replaces the saved text.
    response = client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": "Texte de l'onglet 2"}, version=current))
    assert response.status_code == 302
    assert _sheet(db, a).marks[0].observation == "Texte de l'onglet 2"


def test_every_changed_mark_is_audited_with_old_and_new(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(a, levels={"CR1.1": "partiellement_acquis"},
                                             observations={"CR1.1": "À approfondir"}))
    version = _sheet(db, a).version
    client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", observations={"CR1.1": "Approfondi"}, version=version,
        action="confirm"))

    sheet = _sheet(db, a)
    mark = next(m for m in sheet.marks if m.criterion.code == "CR1.1")
    changes = [e for e in _events(db, "grade.changed") if e.object_id == mark.id]
    blank = {"evidence": None, "oral_evidence": None}
    assert [(e.old, e.new) for e in changes] == [
        ({"level": None, "observation": "", **blank},
         {"level": "partiellement_acquis", "observation": "À approfondir", **blank}),
        ({"level": "partiellement_acquis", "observation": "À approfondir", **blank},
         {"level": "acquis", "observation": "Approfondi", **blank}),
    ]
    for e in changes:
        assert e.object_type == "CriterionMark"
        assert e.actor_id == grading_world.jurors[0].id
        assert e.session_id == grading_world.session.id
    assert len(_events(db, "grade.changed")) == 1 + 6  # CR1.1, then all six levels
    [submitted] = _events(db, "sheet.submitted")
    assert submitted.object_type == "GradingSheet" and submitted.object_id == sheet.id
    assert submitted.new["status"] == "submitted"


def test_saving_without_change_writes_nothing(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    data = form_data(a, levels={"CR1.1": "acquis"}, observations={"CR1.1": "Stable"})
    client.post(sheet_url(a), data=data)
    version = _sheet(db, a).version
    events = len(_events(db))
    response = client.post(sheet_url(a), data={**data, "version": str(version),
                                                f"observation_{criteria(a)[0].id}":
                                                "Stable\r\n"})
    assert response.status_code == 302
    assert _sheet(db, a).version == version
    assert len(_events(db)) == events


def test_grading_is_blind_between_evaluators_of_the_same_work(client, as_user, grading_world,
                                                              db):
    a = bloc_assignment(grading_world, 1)
    juror_a, juror_b = grading_world.jurors
    b = assign(juror_b, a.enrolment, a.exam)
    db.session.commit()
    as_user(juror_a)
    client.post(sheet_url(a), data=form_data(
        a, default_level="acquis",
        observations={"CR1.1": "Observation confidentielle du juré A"}, action="confirm"))
    assert _sheet(db, a).status == SheetStatus.SUBMITTED

    as_user(juror_b)
    html = _html(client.get(sheet_url(b)))
    assert "Observation confidentielle du juré A" not in html
    assert "checked" not in html  # B's own sheet is blank
    assert "à évaluer" in html
    index = _html(client.get("/jury/"))
    assert "Observation confidentielle du juré A" not in index
    assert "soumise" not in index
    assert client.get(sheet_url(a)).status_code == 404  # A's sheet itself is out of reach


def test_a_published_session_shows_the_sheet_read_only(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(a, observations={"CR1.1": "Avant publication"}))
    version = _sheet(db, a).version
    session = grading_world.session
    move_to(session, SessionStatus.PUBLISHED)
    db.session.commit()

    html = _html(client.get(sheet_url(a)))
    assert "Grille non modifiable" in html and "<textarea" not in html
    response = client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": "Après publication"}, version=version))
    assert response.status_code == 409
    assert "Les résultats de la session sont publiés" in _html(response)
    assert _sheet(db, a).marks[0].observation == "Avant publication"


def test_the_page_loads_the_local_draft_script(client, as_user, grading_world):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    html = _html(client.get(sheet_url(a)))
    assert '<script src="/static/js/grading-draft.js" defer></script>' in html
    assert f'data-draft-key="assess-grading-draft:{grading_world.jurors[0].id}:{a.id}"' in html
    script = client.get("/static/js/grading-draft.js")
    assert script.status_code == 200
    assert b"localStorage" in script.data
    script.close()


def test_marks_are_kept_one_per_criterion(db, grading_world, client, as_user):
    a = bloc_assignment(grading_world, 3)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(a, default_level="acquis", action="confirm"))
    marks = db.session.scalars(select(CriterionMark)).all()
    assert sorted(m.criterion.code for m in marks) == ["CR3.1", "CR3.2", "CR3.3", "CR3.4"]
