"""A session from its planning to its archive, through its page: each step's guard says
why it is refused next to its button, each step is audited, a closed session is
read-only everywhere."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.sessions.models import CertificationSession, SessionStatus
from tests.factories import move_to, valid_jury

S = SessionStatus


def _page(client, w) -> str:
    return html.unescape(client.get(f"/sessions/{w.session.id}").get_data(as_text=True))


def _step(client, w, action, **data):
    return client.post(f"/sessions/{w.session.id}/etapes/{action}", data=data)


def _status(db, w) -> SessionStatus:
    db.session.expire_all()
    return db.session.get(CertificationSession, w.session.id).status


def test_a_draft_cannot_open_until_every_part_is_dated_and_placed(as_user, world, db):
    w = world(candidates=1, status=S.DRAFT)
    oral = w.session.exams[2].parts[1]
    oral.place = None
    db.session.commit()
    client = as_user(w.centre_admin)
    page = _page(client, w)
    assert "Ouvrir les inscriptions" in page and "Bloc 3 · Soutenance orale" in page
    _step(client, w, "open")
    assert _status(db, w) == S.DRAFT
    oral.remote = True  # « à distance » stands for a place
    db.session.commit()
    assert _step(client, w, "open").status_code == 302
    assert _status(db, w) == S.ENROLMENT


def test_the_whole_path_is_audited_step_by_step(as_user, world, db, submit_sheet):
    w = world(candidates=1, jurors=2, status=S.DRAFT)
    valid_jury(w.session, w.jurors)
    db.session.commit()
    client = as_user(w.centre_admin)
    for action, expected in (("open", S.ENROLMENT), ("start_exams", S.EXAMS),
                             ("start_grading", S.GRADING)):
        _step(client, w, action)
        assert _status(db, w) == expected, action
    for a in w.assignments:
        submit_sheet(a)
    _step(client, w, "deliberate")
    assert _status(db, w) == S.DELIBERATION
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("session.%"))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.old["status"], e.new["status"]) for e in events] == [
        ("session.open", "draft", "enrolment"), ("session.start_exams", "enrolment", "exams"),
        ("session.start_grading", "exams", "grading"),
        ("session.deliberate", "grading", "deliberation")]
    assert all(e.actor_id == w.centre_admin.id for e in events)


def test_deliberation_with_sheets_missing_takes_a_written_reason(as_user, world, db):
    w = world(candidates=1, jurors=2, status=S.GRADING)
    valid_jury(w.session, w.jurors)
    db.session.commit()
    client = as_user(w.centre_admin)
    page = _page(client, w)
    assert "3 grille(s) d'évaluation ne sont pas soumises" in page
    assert "Pourquoi passer en délibération sans toutes les grilles" in page
    _step(client, w, "deliberate", reason="   ")
    assert _status(db, w) == S.GRADING
    _step(client, w, "deliberate", reason="Candidat absent à l'oral, grilles sans objet.")
    assert _status(db, w) == S.DELIBERATION
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.deliberate"))
    assert event.reason == "Candidat absent à l'oral, grilles sans objet."


def test_the_exams_cannot_start_without_candidates(as_user, world, db):
    w = world(candidates=0, jurors=0, status=S.ENROLMENT)
    client = as_user(w.centre_admin)
    assert "aucun candidat inscrit" in _page(client, w)
    _step(client, w, "start_exams")
    assert _status(db, w) == S.ENROLMENT


def test_a_closed_session_is_read_only_everywhere(as_user, world, db, post_upload):
    from tests.assess.grading.grading_helpers import form_data, sheet_url

    w = world(candidates=1, jurors=1)
    move_to(w.session, S.PUBLISHED)
    db.session.commit()
    admin = as_user(w.centre_admin)
    assert _step(admin, w, "close").status_code == 302
    assert _status(db, w) == S.CLOSED
    page = _page(admin, w)
    for button in ("Inscrire un candidat", "Modifier les dates", "Étape suivante"):
        assert button not in page
    sid = w.session.id
    before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
    admin.post(f"/sessions/{sid}/enrol", data={"who": "new", "first_name_1": "A",
                                               "birth_name": "B", "email": "a.b@example.org",
                                               "access_route": "vae", "scope": "full"})
    admin.post(f"/sessions/{sid}/exams", data={})
    admin.post(f"/sessions/{sid}/enrolments/{w.enrolments[0].id}/assign",
               data={f"exam-{w.session.exams[0].id}": str(w.jurors[0].id)})
    as_user(w.candidates[0])
    assert post_upload(w.session.exams[2].id).status_code == 409
    juror = as_user(w.jurors[0])
    assert juror.post(sheet_url(w.assignments[0]), data=form_data(w.assignments[0])
                      ).status_code == 409
    after = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
    assert after == before  # nothing changed anywhere


def test_another_centres_admin_cannot_take_a_step(as_user, world, db):
    w = world(candidates=1, status=S.DRAFT)
    response = _step(as_user(w.other_centre_admin), w, "open")
    assert response.status_code == 404
    assert _status(db, w) == S.DRAFT


@pytest.mark.parametrize("action", ["compute", "publish", "nothing"])
def test_only_the_session_pages_steps_are_taken_there(as_user, world, db, action):
    w = world(candidates=1, status=S.DELIBERATION)
    assert _step(as_user(w.centre_admin), w, action).status_code == 404
