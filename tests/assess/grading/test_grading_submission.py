"""Submitting asks for confirmation (a page without JavaScript, a dialog with it), then
locks; an admin of the session may reopen a submitted sheet with a written reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.grading.models import SheetStatus
from assess.notifications.models import Notification
from assess.sessions.models import SessionStatus
from tests.assess.grading.grading_helpers import (
    bloc_assignment,
    confirm_url,
    criteria,
    form_data,
    html_of,
    sheet_of,
    sheet_url,
)
from tests.factories import move_to


def _reopen_url(w, sheet) -> str:
    return f"/sessions/{w.session.id}/grilles/{sheet.id}/rouvrir"


def test_submit_leads_to_a_confirmation_page_listing_each_level(client, as_user,
                                                                grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", levels={"CR1.2": "partiellement_acquis"},
        observations={"CR1.2": "Partiel : à étayer"}, action="submit"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(confirm_url(a))
    sheet = sheet_of(db, a)
    assert sheet.status == SheetStatus.DRAFT  # saved, not yet locked

    html = html_of(client.get(confirm_url(a)))
    assert "Soumettre la grille ?" in html
    recap = html[html.index('class="grading-recap"'):html.index("</table>")]
    for c in criteria(a):
        assert f'<th scope="row">{c.code}</th>' in recap
    assert "<td>partiellement acquis</td>" in recap and recap.count("<td>acquis</td>") == 5
    assert f'name="version" type="hidden" value="{sheet.version}"' in html
    assert "Confirmer la soumission" in html and "Revenir à la grille" in html

    response = client.post(confirm_url(a), data={"version": str(sheet.version)})
    assert response.status_code == 302
    sheet = sheet_of(db, a)
    assert sheet.status == SheetStatus.SUBMITTED
    assert "Grille soumise" in html_of(client.get(sheet_url(a)))


def test_confirming_a_version_changed_since_is_a_conflict(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(a, default_level="acquis", action="submit"))
    version = sheet_of(db, a).version
    client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", observations={"CR1.1": "Changé dans un autre onglet"},
        version=version))
    response = client.post(confirm_url(a), data={"version": str(version)})
    assert response.status_code == 409
    html = html_of(response)
    assert "La grille a été modifiée entre-temps" in html
    assert f'value="{sheet_of(db, a).version}"' in html
    assert sheet_of(db, a).status == SheetStatus.DRAFT


def test_the_page_has_the_dialog_for_javascript(client, as_user, grading_world):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    html = html_of(client.get(sheet_url(a)))
    assert '<dialog id="submit-dialog"' in html
    assert 'data-confirm-dialog="submit-dialog"' in html
    assert '<button type="submit" name="action" value="confirm">' in html
    # Enter in a text field posts the first button: saving, never submitting.
    assert html.index('value="save"') < html.index('value="submit"') < html.index(
        'value="confirm"')


@pytest.fixture
def submitted(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", observations={"CR1.1": "Soumis"}, action="confirm"))
    move_to(grading_world.session, SessionStatus.GRADING)
    db.session.commit()
    return sheet_of(db, a)


def test_an_admin_reopens_a_sheet_with_a_reason_audited_and_the_juror_told(
        client, as_user, grading_world, db, submitted):
    w = grading_world
    as_user(w.centre_admin)
    page = client.get(_reopen_url(w, submitted))
    assert page.status_code == 200 and "Motif de la réouverture" in html_of(page)
    response = client.post(_reopen_url(w, submitted), data={"reason": "  "})
    assert response.status_code == 422
    assert "Indiquez pourquoi la grille est rouverte" in html_of(response)
    assert sheet_of(db, submitted.assignment).status == SheetStatus.SUBMITTED

    response = client.post(_reopen_url(w, submitted),
                           data={"reason": "CR1.1 : niveau saisi par erreur"})
    assert response.status_code == 302
    assert f"/sessions/{w.session.id}/candidats/" in response.headers["Location"]
    sheet = sheet_of(db, submitted.assignment)
    assert sheet.status == SheetStatus.DRAFT and sheet.submitted_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sheet.reopened"))
    assert event.actor_id == w.centre_admin.id and event.reason == (
        "CR1.1 : niveau saisi par erreur")
    assert event.old["status"] == "submitted" and event.new["status"] == "draft"
    assert event.session_id == w.session.id
    [note] = db.session.scalars(select(Notification).where(
        Notification.event == "sheet_reopened")).all()
    assert note.recipient_id == w.jurors[0].id
    assert "CR1.1 : niveau saisi par erreur" in note.body

    # The juror can change it again, each change audited, and submit it anew.
    as_user(w.jurors[0])
    html = html_of(client.get(sheet_url(sheet.assignment)))
    assert "<textarea" in html and "Soumis</textarea>" in html
    a = sheet.assignment
    client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", observations={"CR1.1": "Corrigé"}, version=sheet.version,
        action="confirm"))
    assert sheet_of(db, a).status == SheetStatus.SUBMITTED
    changes = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "grade.changed", AuditEvent.id > event.id)).all()
    assert [(e.old["observation"], e.new["observation"]) for e in changes] == [
        ("Soumis", "Corrigé")]

    # Reopened twice: told twice.
    as_user(w.centre_admin)
    client.post(_reopen_url(w, submitted), data={"reason": "Encore une fois"})
    assert db.session.query(Notification).filter_by(event="sheet_reopened").count() == 2


def test_reopening_is_for_submitted_sheets_in_grading_or_deliberation(
        client, as_user, grading_world, db, submitted):
    w = grading_world
    as_user(w.centre_admin)
    move_to(w.session, SessionStatus.PUBLISHED)
    db.session.commit()
    response = client.post(_reopen_url(w, submitted), data={"reason": "Trop tard"})
    assert response.status_code == 409
    assert "Les résultats de la session sont publiés" in html_of(response)
    assert sheet_of(db, submitted.assignment).status == SheetStatus.SUBMITTED

    move_to(w.session, SessionStatus.DELIBERATION)
    db.session.commit()
    assert client.post(_reopen_url(w, submitted), data={"reason": "Délibération"}
                       ).status_code == 302
    response = client.post(_reopen_url(w, submitted), data={"reason": "Déjà rouverte"})
    assert response.status_code == 409
    assert "n'est pas soumise" in html_of(response)


@pytest.mark.parametrize(("who", "status"), [
    ("juror", 403), ("candidate", 403), ("other_centre_admin", 404), ("admin", 302),
])
def test_only_the_sessions_admins_may_reopen(client, as_user, grading_world, db, submitted,
                                             who, status):
    w = grading_world
    user = {"juror": w.jurors[0], "candidate": w.candidates[0],
            "other_centre_admin": w.other_centre_admin, "admin": w.admin}[who]
    as_user(user)
    response = client.post(_reopen_url(w, submitted), data={"reason": "Motif"})
    assert response.status_code == status
    expected = SheetStatus.DRAFT if status == 302 else SheetStatus.SUBMITTED
    assert sheet_of(db, submitted.assignment).status == expected


def test_a_sheet_of_another_session_is_404(client, as_user, grading_world, db, submitted,
                                           referential_version):
    from tests.factories import create_session

    w = grading_world
    other = create_session(referential_version, w.centre, name="Autre session")
    db.session.commit()
    as_user(w.centre_admin)
    response = client.post(f"/sessions/{other.id}/grilles/{submitted.id}/rouvrir",
                           data={"reason": "Motif"})
    assert response.status_code == 404


def test_reopen_needs_a_csrf_token(client, as_user, grading_world, db, submitted, app):
    app.config["WTF_CSRF_ENABLED"] = True
    as_user(grading_world.centre_admin)
    response = client.post(_reopen_url(grading_world, submitted), data={"reason": "Motif"})
    assert response.status_code == 400
