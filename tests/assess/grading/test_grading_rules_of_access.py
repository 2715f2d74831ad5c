"""Who may change which sheet: withdrawn jurors read only, declared links hide the work
(even on a crafted URL), sessions outside grading refuse with their state's message,
others' sheets once one's own is submitted, anonymous grading shows numbers only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.core.columns import utcnow
from assess.grading.models import GradingSheet, SheetStatus
from assess.juries.models import ConflictOfInterest, LinkKind
from assess.sessions.models import SessionStatus
from assess.submissions.anonymity import ensure_numbers
from tests.assess.grading.grading_helpers import (
    bloc_assignment,
    draft_fields,
    draft_url,
    form_data,
    html_of,
    sheet_of,
    sheet_url,
)
from tests.factories import assign, move_to

NOTICE = "Vous avez été retiré(e) de cette évaluation (lien déclaré avec le candidat)"


def _withdraw(db, assignment):
    assignment.withdrawn_at = utcnow()
    assignment.withdrawn_reason = "conflict"
    db.session.commit()


def _declare_link(db, juror, enrolment):
    db.session.add(ConflictOfInterest(juror_id=juror.id, enrolment_id=enrolment.id,
                                      kind=LinkKind.TRAINER, declared_by_id=juror.id))
    db.session.commit()


def test_a_withdrawn_juror_reads_their_sheet_with_a_notice_and_cannot_save(
        client, as_user, grading_world, db, hand_in):
    a = bloc_assignment(grading_world, 1)
    stored = hand_in(grading_world, a)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(a, observations={"CR1.1": "Brouillon gardé"}))
    version = sheet_of(db, a).version
    _withdraw(db, a)
    _declare_link(db, grading_world.jurors[0], a.enrolment)  # the usual reason

    html = html_of(client.get(sheet_url(a)))
    assert NOTICE in html
    assert "Brouillon gardé" in html and "<textarea" not in html
    assert f"/fichiers/{stored.id}" not in html  # the work is no longer reachable
    for action in ("save", "submit", "confirm"):
        response = client.post(sheet_url(a), data=form_data(
            a, observations={"CR1.1": "Après retrait"}, version=version, action=action))
        assert response.status_code == 409
        assert NOTICE in html_of(response)
    response = client.post(draft_url(a), json={"version": version, "fields": draft_fields(
        a, observations={"CR1.1": "Après retrait"})})
    assert response.status_code == 409 and response.json["code"] == "locked"
    assert sheet_of(db, a).marks[0].observation == "Brouillon gardé"
    index = html_of(client.get("/jury/"))
    assert "retiré(e)" in index


@pytest.mark.parametrize("how", ["GET", "POST", "JSON", "confirm"])
def test_a_declared_link_hides_the_work_even_on_a_crafted_url(client, as_user,
                                                             grading_world, db, how):
    a = bloc_assignment(grading_world, 1)
    _declare_link(db, grading_world.jurors[0], a.enrolment)
    as_user(grading_world.jurors[0])
    if how == "GET":
        response = client.get(sheet_url(a))
    elif how == "POST":
        response = client.post(sheet_url(a), data=form_data(a, observations={"CR1.1": "x"}))
    elif how == "confirm":
        response = client.get(f"{sheet_url(a)}/soumettre")
    else:
        response = client.post(draft_url(a), json={"version": 0, "fields": draft_fields(a)})
    assert response.status_code == 404
    assert db.session.scalar(select(GradingSheet)) is None
    index = html_of(client.get("/jury/"))
    assert f'href="{sheet_url(a)}"' not in index and "retiré(e)" in index


def test_the_operation_itself_refuses_a_juror_with_a_declared_link(db, grading_world):
    from assess.grading import operations as ops

    a = bloc_assignment(grading_world, 1)
    _declare_link(db, grading_world.jurors[0], a.enrolment)
    with pytest.raises(ops.GradingError):
        ops.save_sheet(grading_world.jurors[0], a, {}, 0)


@pytest.mark.parametrize(("status", "message"), [
    (SessionStatus.ENROLMENT, "La session est ouverte aux inscriptions"),
    (SessionStatus.DELIBERATION, "La session est en délibération"),
    (SessionStatus.CLOSED, "La session est close"),
])
def test_a_session_not_in_grading_refuses_with_its_state(client, as_user, grading_world, db,
                                                         status, message):
    a = bloc_assignment(grading_world, 1)
    move_to(grading_world.session, status)
    db.session.commit()
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(a, observations={"CR1.1": "Tard"}))
    assert response.status_code == 409
    html = html_of(response)
    assert message in html and "Tard" in html
    response = client.post(draft_url(a), json={"version": 0, "fields": draft_fields(a)})
    assert response.status_code == 409 and message in response.json["message"]
    assert db.session.scalar(select(GradingSheet)) is None


def test_grading_is_allowed_in_the_grading_state(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    move_to(grading_world.session, SessionStatus.GRADING)
    db.session.commit()
    as_user(grading_world.jurors[0])
    assert client.post(sheet_url(a), data=form_data(a)).status_code == 302


def test_others_sheets_are_seen_read_only_only_after_submitting_ones_own(
        client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    juror_a, juror_b = grading_world.jurors
    b = assign(juror_b, a.enrolment, a.exam)
    db.session.commit()
    as_user(juror_b)
    client.post(sheet_url(b), data=form_data(
        b, default_level="acquis", observations={"CR1.1": "Avis du juré B"}, action="confirm"))
    assert sheet_of(db, b).status == SheetStatus.SUBMITTED

    as_user(juror_a)
    html = html_of(client.get(sheet_url(a)))
    assert "Avis du juré B" not in html and "Grilles des autres évaluateurs" not in html
    client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", observations={"CR1.1": "Avis du juré A"}, action="confirm"))
    html = html_of(client.get(sheet_url(a)))
    assert "Grilles des autres évaluateurs" in html
    assert "Avis du juré B" in html and juror_b.full_name in html
    others = html[html.index('id="others-title"'):]
    assert "<textarea" not in others and "<form" not in others
    assert client.get(sheet_url(b)).status_code == 404  # B's sheet itself stays B's


def test_a_draft_of_another_evaluator_is_never_shown(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    juror_a, juror_b = grading_world.jurors
    b = assign(juror_b, a.enrolment, a.exam)
    db.session.commit()
    as_user(juror_b)
    client.post(sheet_url(b), data=form_data(b, observations={"CR1.1": "Brouillon de B"}))
    as_user(juror_a)
    client.post(sheet_url(a), data=form_data(a, default_level="acquis", action="confirm"))
    html = html_of(client.get(sheet_url(a)))
    assert "Brouillon de B" not in html
    assert "Aucun autre évaluateur n'a encore soumis de grille" in html


def test_anonymous_grading_shows_the_candidate_number_only(client, as_user, grading_world,
                                                           db, hand_in):
    session = grading_world.session
    session.anonymous_grading = True
    ensure_numbers(session.id)
    db.session.commit()
    a = bloc_assignment(grading_world, 3)
    hand_in(grading_world, a, filename="Dossier de Dupont.pdf")
    candidate = grading_world.candidates[0]
    number = a.enrolment.anonymous_number
    as_user(grading_world.jurors[0])
    for url in (sheet_url(a), "/jury/"):
        html = html_of(client.get(url))
        assert f"Candidat n° {number}" in html
        assert candidate.full_name not in html
        assert candidate.last_name not in html
        assert "Dupont" not in html  # the file's own name is not shown either
    client.post(sheet_url(a), data=form_data(a, absent=True, action="submit"))
    html = html_of(client.get(f"{sheet_url(a)}/soumettre"))
    assert f"Candidat n° {number}" in html and candidate.last_name not in html
