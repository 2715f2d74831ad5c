"""Bloc 3 (the dossier defended at an oral): evidence from the dossier and from the
defence, the dossier one click away, « Candidat absent à l'oral » recorded as an absence."""

from __future__ import annotations

from sqlalchemy import select

from assess.attendance.models import Attendance, ExamAttendance
from assess.audit.models import AuditEvent
from assess.grading.models import SheetStatus
from tests.assess.grading.grading_helpers import (
    bloc_assignment,
    criteria,
    form_data,
    html_of,
    sheet_of,
    sheet_url,
)


def test_the_sheet_has_both_evidence_fields_the_dossier_and_the_absence_box(
        client, as_user, grading_world, hand_in):
    a = bloc_assignment(grading_world, 3)
    stored = hand_in(grading_world, a)
    as_user(grading_world.jurors[0])
    html = html_of(client.get(sheet_url(a)))
    for c in criteria(a):
        assert f'name="evidence_{c.id}"' in html and f'name="oral_evidence_{c.id}"' in html
    assert "Éléments de preuve tirés du dossier pour CR3.1 (facultatif)" in html
    assert "Éléments de preuve tirés de la soutenance pour CR3.1 (facultatif)" in html
    assert 'name="candidate_absent" type="checkbox"' in html
    assert "Candidat absent à l'oral" in html
    assert "Dossier du candidat" in html
    assert html.count(f'href="/fichiers/{stored.id}"') >= 1  # one click to the dossier


def test_other_blocs_have_no_oral_fields(client, as_user, grading_world):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    html = html_of(client.get(sheet_url(a)))
    assert "oral_evidence_" not in html and "candidate_absent" not in html


def test_dossier_and_defence_evidence_are_saved_and_audited(client, as_user, grading_world,
                                                            db):
    a = bloc_assignment(grading_world, 3)
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(
        a, evidence={"CR3.1": "Dossier, partie 2"},
        oral_evidence={"CR3.1": "Réponse sur les KPI"}))
    assert response.status_code == 302
    mark = sheet_of(db, a).marks[0]
    assert (mark.evidence, mark.oral_evidence) == ("Dossier, partie 2", "Réponse sur les KPI")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grade.changed",
                                                       AuditEvent.object_id == mark.id))
    assert event.new["oral_evidence"] == "Réponse sur les KPI"
    html = html_of(client.get(sheet_url(a)))
    assert "Réponse sur les KPI</textarea>" in html


def test_an_absent_candidate_needs_no_levels_and_the_absence_is_recorded(
        client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 3)
    juror = grading_world.jurors[0]
    as_user(juror)
    response = client.post(sheet_url(a), data=form_data(a, absent=True, action="submit"))
    assert response.status_code == 302  # to the confirmation page, levels not required
    assert response.headers["Location"].endswith(f"/jury/evaluations/{a.id}/soumettre")
    assert sheet_of(db, a).candidate_absent is True
    page = html_of(client.get(response.headers["Location"]))
    assert "Candidat absent à l'oral" in page
    assert db.session.scalar(select(ExamAttendance)) is None  # not before it is submitted

    response = client.post(sheet_url(a), data=form_data(
        a, absent=True, version=sheet_of(db, a).version, action="confirm"))
    assert response.status_code == 302
    sheet = sheet_of(db, a)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.candidate_absent
    row = db.session.scalar(select(ExamAttendance))
    assert (row.enrolment_id, row.exam_id, row.status) == (a.enrolment_id, a.exam_id,
                                                            Attendance.ABSENT)
    assert row.recorded_by_id == juror.id
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "attendance.recorded"))
    assert event.actor_id == juror.id and event.new["exam_id"] == a.exam_id
    assert event.new["status"] == "absent"
    changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sheet.changed"))
    assert changed.old["candidate_absent"] is False and changed.new["candidate_absent"] is True
    assert "Candidat absent à l'oral" in html_of(client.get(sheet_url(a)))


def test_an_absence_already_recorded_by_an_admin_is_left_alone(client, as_user,
                                                               grading_world, db):
    from datetime import date

    a = bloc_assignment(grading_world, 3)
    db.session.add(ExamAttendance(enrolment_id=a.enrolment_id, exam_id=a.exam_id,
                                  status=Attendance.WITHDRAWN, on_date=date.today(),
                                  recorded_by_id=grading_world.centre_admin.id))
    db.session.commit()
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(a, absent=True, action="confirm"))
    assert response.status_code == 302
    [row] = db.session.scalars(select(ExamAttendance)).all()
    assert row.status == Attendance.WITHDRAWN


def test_absent_is_ignored_outside_an_oral(client, as_user, grading_world, db):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(a, absent=True, action="confirm"))
    assert response.status_code == 422
    assert "Indiquez un niveau pour chaque critère" in html_of(response)
    assert db.session.scalar(select(ExamAttendance)) is None


def test_a_reopened_absent_sheet_submitted_as_present_clears_its_absence(
        client, as_user, grading_world, db):
    from assess.sessions.models import SessionStatus
    from tests.factories import move_to

    a = bloc_assignment(grading_world, 3)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(a, absent=True, action="confirm"))
    assert db.session.scalar(select(ExamAttendance)) is not None
    move_to(grading_world.session, SessionStatus.GRADING)
    db.session.commit()
    as_user(grading_world.centre_admin)
    sheet = sheet_of(db, a)
    assert client.post(f"/sessions/{grading_world.session.id}/grilles/{sheet.id}/rouvrir",
                       data={"reason": "Le candidat était là"}).status_code == 302
    as_user(grading_world.jurors[0])
    response = client.post(sheet_url(a), data=form_data(
        a, default_level="acquis", version=sheet_of(db, a).version, action="confirm"))
    assert response.status_code == 302
    assert sheet_of(db, a).candidate_absent is False
    assert db.session.scalar(select(ExamAttendance)) is None
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "attendance.cleared")) is not None
