"""Convocations: one per candidate and dated part, a PDF and an .ics sent by e-mail once
per version, sent again (marked as a change) when a date or place changes, read by the
candidate on their page and by nobody else."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import func, select

from assess.attendance.models import Attendance, ExamAttendance
from assess.convocations.models import Convocation
from assess.core.columns import utcnow
from assess.sessions.models import SessionStatus
from tests.factories import ACTORS, move_to

PARTS = 4  # written, practical, dossier, oral


def send(client, w):
    return client.post(f"/sessions/{w.session.id}/convocations")


def convocations(db):
    db.session.expire_all()
    return db.session.scalars(select(Convocation).order_by(Convocation.id)).all()


def mail_to(mail_outbox, email):
    return [m for m in mail_outbox if m["To"] == email]


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_payload(decode=True)
            for part in message.iter_attachments()}


@pytest.fixture
def open_world(world, db):
    return world(candidates=2, jurors=1, assign_all=False, status=SessionStatus.ENROLMENT)


def test_each_candidate_gets_one_per_part_with_its_pdf_and_ics(db, open_world, as_user,
                                                               mail_outbox):
    w = open_world
    response = send(as_user(w.centre_admin), w)
    assert response.status_code == 302
    rows = convocations(db)
    assert len(rows) == 2 * PARTS and all(r.sent_at and r.pdf_sha256 for r in rows)
    messages = mail_to(mail_outbox, w.candidates[0].email)
    assert len(messages) == PARTS
    oral = next(m for m in messages if "Soutenance" in m["Subject"] or "oral" in m["Subject"])
    files = attachments(oral)
    pdf_name = next(n for n in files if n.endswith(".pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files[pdf_name])).pages)
    assert "Convocation" in text and "Bloc 3" in text and "Salle 1" in text
    calendar = Calendar.from_ical(files[pdf_name.replace(".pdf", ".ics")])
    (event,) = calendar.walk("VEVENT")
    assert str(event["location"]) == "Salle 1" and int(event["sequence"]) == 0


def test_sending_again_sends_nothing_new(db, open_world, as_user, mail_outbox):
    w = open_world
    client = as_user(w.centre_admin)
    send(client, w)
    count = len(mail_outbox)
    response = send(client, w)
    assert "0 envoyée(s), 0 modifiée(s), 8 déjà à jour" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert len(mail_outbox) == count and len(convocations(db)) == 2 * PARTS


def test_a_new_date_sends_a_new_version_marked_as_a_change(db, open_world, as_user,
                                                           mail_outbox):
    from assess.sessions.operations import PartSchedule, schedule_exams

    w = open_world
    send(as_user(w.centre_admin), w)
    mail_outbox.clear()
    oral = next(p for e in w.session.exams for p in e.parts if p.kind == "oral")
    new_start = (utcnow() + timedelta(days=20)).replace(microsecond=0)
    schedule_exams(w.centre_admin, w.session, {oral.id: PartSchedule(
        starts_at=new_start, duration_minutes=oral.duration_minutes, place="Salle 2",
        remote=False, submission_deadline=None, expected_version=oral.version)})
    from assess.outbox.relay import commit

    commit()
    changed = [c for c in convocations(db) if c.version == 2]
    assert len(changed) == 2 and {c.exam_part_id for c in changed} == {oral.id}
    assert len(mail_outbox) == 2
    assert all(m["Subject"].startswith("Modification de votre convocation") for m in mail_outbox)
    files = attachments(mail_outbox[0])
    ics = Calendar.from_ical(next(v for k, v in files.items() if k.endswith(".ics")))
    (event,) = ics.walk("VEVENT")
    assert int(event["sequence"]) == 1 and str(event["location"]) == "Salle 2"


def test_a_withdrawn_candidate_is_not_convoked(db, open_world, as_user, mail_outbox):
    w = open_world
    db.session.add(ExamAttendance(enrolment_id=w.enrolments[1].id,
                                  exam_id=w.session.exams[2].id, status=Attendance.WITHDRAWN,
                                  on_date=utcnow().date()))
    db.session.commit()
    send(as_user(w.centre_admin), w)
    assert len(mail_to(mail_outbox, w.candidates[1].email)) == PARTS - 2  # bloc 3: 2 parts


def test_outside_enrolment_and_exams_it_is_refused(db, open_world, as_user):
    w = open_world
    move_to(w.session, SessionStatus.GRADING)
    db.session.commit()
    client = as_user(w.centre_admin)
    page = client.get(send(client, w).headers["Location"]).get_data(as_text=True)
    assert "Les convocations s&#39;envoient" in page or "Les convocations s'envoient" in page
    assert convocations(db) == []


def test_the_candidate_reads_their_convocations_and_nobody_else_can(db, open_world, as_user,
                                                                    app):
    w = open_world
    send(as_user(w.centre_admin), w)
    mine = next(c for c in convocations(db) if c.enrolment_id == w.enrolments[0].id)
    page = as_user(w.candidates[0]).get("/candidat/").get_data(as_text=True)
    assert f"/convocations/{mine.id}.pdf" in page
    response = as_user(w.candidates[0]).get(f"/convocations/{mine.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response.close()
    expected = {"certifier_admin": 200, "centre_admin": 200, "other_centre_admin": 404,
                "assigned_juror": 403, "anonymous": 302}
    for who, status in expected.items():
        c = as_user(ACTORS[who](w)) if who != "anonymous" else app.test_client()
        response = c.get(f"/convocations/{mine.id}.ics")
        assert response.status_code == status, who
        response.close()
    other = as_user(w.candidates[1]).get(f"/convocations/{mine.id}.pdf")
    assert other.status_code == 404


def test_statements_to_send_do_not_grow_with_candidates(db, world, as_user, count_queries,
                                                        monkeypatch):
    from assess.convocations import operations

    calls = []
    monkeypatch.setattr(operations, "enqueue_many", lambda task, items: calls.append(items))
    small = world(candidates=2, jurors=0, status=SessionStatus.ENROLMENT)
    large = world(candidates=30, jurors=0, status=SessionStatus.ENROLMENT)

    def statements(w):
        with count_queries() as found:
            operations.send_convocations(w.centre_admin, w.session)
        db.session.rollback()
        return len(found)

    assert statements(small) == statements(large)
    assert db.session.scalar(select(func.count(Convocation.id))) == 0
