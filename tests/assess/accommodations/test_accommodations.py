"""Aménagements on the candidate's record: the request (one third at most without a
written exception), the decision with its measures per épreuve, the supporting document
opened only by the candidate's admins and audited, never exported, and shown on the
convocation once granted."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from assess.accommodations.models import Accommodation
from assess.audit.models import AuditEvent
from assess.sessions.models import SessionStatus
from tests.conftest import MINIMAL_PDF
from tests.factories import ACTORS, move_to

REQUEST = {"extra_time_percent": "33", "exception_reason": "", "human_aid": "",
           "technical_aid": "Ordinateur avec correcteur", "other": ""}


def base(w):
    return f"/sessions/{w.session.id}/candidats/{w.enrolments[0].id}"


def post_request(client, w, data=None, document=None):
    payload = dict(REQUEST, **(data or {}))
    if document is not None:
        payload["document"] = document
    return client.post(f"{base(w)}/amenagement", data=payload,
                       content_type="multipart/form-data")


def decision(client, w, **data):
    return client.post(f"{base(w)}/amenagement/decision", data=data)


def test_beyond_a_third_is_refused_without_an_exception_and_the_typing_kept(db, world,
                                                                            as_user):
    w = world(candidates=1, jurors=1, assign_all=False)
    client = as_user(w.centre_admin)
    response = post_request(client, w, {"extra_time_percent": "50",
                                        "human_aid": "Secrétaire lecteur"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "dérogation" in page and "Secrétaire lecteur" in page
    assert db.session.scalar(select(Accommodation)) is None
    response = post_request(client, w, {"extra_time_percent": "50",
                                        "exception_reason": "Avis médical MDPH"})
    assert response.status_code == 302
    assert db.session.scalar(select(Accommodation)).extra_time_percent == 50


def test_granted_with_measures_per_epreuve_then_shown_on_the_convocation(db, world, as_user,
                                                                         mail_outbox):
    w = world(candidates=1, jurors=1, assign_all=False, status=SessionStatus.ENROLMENT)
    client = as_user(w.centre_admin)
    assert post_request(client, w).status_code == 302
    page = client.get(base(w)).get_data(as_text=True)
    assert 'value="60"' in page  # 33 % of 180 minutes, suggested
    exams = w.session.exams
    data = {"decision": "granted", "note": "Conforme à l'avis"}
    for exam in exams:
        data[f"minutes_{exam.id}"] = "60"
        data[f"aids_{exam.id}"] = "ordinateur"
    assert decision(client, w, **data).status_code == 302
    row = db.session.scalar(select(Accommodation))
    assert row.status == "granted" and row.decided_by_id == w.centre_admin.id
    assert [m.extra_minutes for m in row.measures] == [60, 60, 60]
    client.post(f"/sessions/{w.session.id}/convocations")
    written = next(m for m in mail_outbox if "Épreuve écrite" in m["Subject"]
                   or "écrit" in m["Subject"].lower())
    from pypdf import PdfReader

    pdf = next(p.get_payload(decode=True) for p in written.iter_attachments()
               if p.get_filename().endswith(".pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "60 minute(s) supplémentaire(s)" in text and "ordinateur" in text


def test_changing_the_request_sends_it_back_to_be_decided(db, world, as_user):
    w = world(candidates=1, jurors=1, assign_all=False)
    client = as_user(w.centre_admin)
    post_request(client, w)
    decision(client, w, decision="refused")
    post_request(client, w, {"extra_time_percent": "25"})
    row = db.session.scalar(select(Accommodation))
    db.session.refresh(row)
    assert row.status == "requested" and row.decided_at is None


def test_the_document_is_health_data(db, world, as_user, app):
    w = world(candidates=1, jurors=1, assign_all=False)
    client = as_user(w.centre_admin)
    bad = post_request(client, w, document=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.exe"))
    assert bad.status_code == 422 and "PDF, un JPEG ou un PNG" in bad.get_data(as_text=True)
    assert post_request(client, w, document=(io.BytesIO(MINIMAL_PDF), "avis.pdf")
                        ).status_code == 302
    url = f"{base(w)}/amenagement/justificatif"
    for who, status in {"certifier_admin": 200, "centre_admin": 200,
                        "other_centre_admin": 404, "assigned_juror": 403,
                        "enrolled_candidate": 403}.items():
        response = as_user(ACTORS[who](w)).get(url)
        assert response.status_code == status, who
        if status == 200:
            assert response.data == MINIMAL_PDF
            assert response.headers["Cache-Control"] == "no-store"
        response.close()
    opened = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "accommodation.document_opened")).all()
    assert {e.actor_id for e in opened} == {w.admin.id, w.centre_admin.id}
    export = as_user(w.centre_admin).get(f"/sessions/{w.session.id}/suivi/export.csv")
    assert b"avis.pdf" not in export.data and b"correcteur" not in export.data
    export.close()


def test_nothing_changes_once_the_epreuves_are_over(db, world, as_user):
    w = world(candidates=1, jurors=1, assign_all=False)
    move_to(w.session, SessionStatus.GRADING)
    db.session.commit()
    response = post_request(as_user(w.centre_admin), w)
    assert response.status_code == 422 and db.session.scalar(select(Accommodation)) is None


@pytest.mark.parametrize("who", ["other_centre_admin", "assigned_juror"])
def test_others_cannot_record_one(db, world, as_user, who):
    w = world(candidates=1, jurors=1, assign_all=False)
    assert post_request(as_user(ACTORS[who](w)), w).status_code in (403, 404)
    assert db.session.scalar(select(Accommodation)) is None
