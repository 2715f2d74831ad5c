"""Issue steps 1-7 in order, through the test client, each user logging in for real.

The outbox runs its tasks in-process here (CELERY_TASK_ALWAYS_EAGER); the same
tasks through a real worker process are in tests/worker, and the same flow in a
browser against `assess serve` in tests/e2e.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from assess.accounts.models import Role
from assess.audit.models import AuditEvent
from assess.candidates.models import Candidate, Enrolment
from assess.core.columns import utcnow
from assess.decisions.models import Minutes
from assess.grading.models import GradingSheet, SheetStatus
from assess.juries.models import Assignment, juror_centres
from assess.results.models import TitleResult
from assess.sessions.models import CertificationSession, SessionStatus
from assess.submissions.models import StoredFile
from tests.factories import DEFAULT_PASSWORD, create_centre, create_user

PDF = b"%PDF-1.4\n% dossier de la periode en entreprise\n" + b"1" * 3000 + b"\n%%EOF\n"


def _client(app) -> FlaskClient:
    from tests.conftest import FreshUserClient

    app.test_client_class = FreshUserClient
    return app.test_client()


def _login(app, user) -> FlaskClient:
    client = _client(app)
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _step(admin_c, db, session, action, expected):
    response = admin_c.post(f"/sessions/{session.id}/etapes/{action}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CertificationSession, session.id).status == expected, \
        admin_c.get(response.location).get_data(as_text=True)


@pytest.fixture
def app_config():
    return {"DOCUMENTS_ON_PUBLICATION": True}  # the whole story, its documents included


def test_steps_one_to_seven(app, db, referential_version, mail_outbox):
    centre = create_centre("Centre du parcours")
    admin = create_user("centre_admin", centre=centre)
    juror = create_user("juror", is_professional=True)
    second = create_user("juror")  # sits on the jury, grades nothing here
    candidate_user = create_user("candidate", centre=centre, last_name="Parcours")
    for j in (juror, second):
        db.session.execute(juror_centres.insert().values(juror_id=j.id, centre_id=centre.id))
    db.session.commit()  # the juror was invited for this centre: in its pool

    # 1. The admin creates a session; its three épreuves come from the référentiel.
    admin_c = _login(app, admin)
    today = date.today()
    response = admin_c.post("/sessions/new", data={
        "name": "Session du parcours", "centre_id": centre.id,
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    session = db.session.scalar(select(CertificationSession)
                                .where(CertificationSession.name == "Session du parcours"))
    assert session.referential_version_id == referential_version.id
    assert [e.block.number for e in session.exams] == [1, 2, 3]
    assert [p.kind for p in session.exams[2].parts] == ["dossier", "oral"]
    # ... and dates them (Paris time in the form).
    parts = [p for e in session.exams for p in e.parts]
    day = (today + timedelta(days=5)).isoformat()
    data = {}
    for part in parts:
        data.update({f"p{part.id}_starts_at": f"{day}T09:00", f"p{part.id}_duration": "180",
                     f"p{part.id}_place": "Salle A", f"p{part.id}_deadline": f"{day}T18:00"})
    assert admin_c.post(f"/sessions/{session.id}/exams", data=data).status_code == 302
    db.session.expire_all()
    assert all(p.starts_at is not None and p.place == "Salle A" for p in parts)
    # Every part dated and placed: the session opens for enrolment.
    _step(admin_c, db, session, "open", SessionStatus.ENROLMENT)

    # 2. The admin enrols the candidate for the whole title and assigns the juror.
    candidate = db.session.scalar(select(Candidate).where(Candidate.user_id == candidate_user.id))
    response = admin_c.post(f"/sessions/{session.id}/enrol", data={
        "who": "existing", "candidate_id": candidate.id, "scope": "full"})
    assert response.status_code == 302, response.get_data(as_text=True)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.session_id == session.id))
    assert enrolment.full_title and len(enrolment.blocks) == 3
    response = admin_c.post(f"/sessions/{session.id}/enrolments/{enrolment.id}/assign",
                            data={f"exam-{e.id}": str(juror.id) for e in session.exams})
    assert response.status_code == 302
    assert db.session.query(Assignment).filter_by(juror_id=juror.id).count() == 3
    # ... and composes the session's jury: the juror presides, a second member sits.
    response = admin_c.post(f"/sessions/{session.id}/jury/modifier", data={
        "version": "", f"j{juror.id}": "president", f"j{second.id}": "member"})
    assert response.status_code == 302
    assert "règles respectées" in admin_c.get(response.location).get_data(as_text=True)
    _step(admin_c, db, session, "start_exams", SessionStatus.EXAMS)

    # 3. The candidate uploads the bloc 3 dossier and reads the SHA-256 receipt.
    cand_c = _login(app, candidate_user)
    bloc3 = session.exams[2]
    response = cand_c.post(f"/candidat/epreuves/{bloc3.id}/depot",
                           data={"file": (io.BytesIO(b"pas un pdf"), "dossier.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and db.session.query(StoredFile).count() == 0
    response = cand_c.post(f"/candidat/epreuves/{bloc3.id}/depot",
                           data={"file": (io.BytesIO(PDF), "dossier.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    digest = hashlib.sha256(PDF).hexdigest()
    assert response.status_code == 200 and digest in response.get_data(as_text=True)
    stored = db.session.scalar(select(StoredFile))
    assert (stored.sha256, stored.size) == (digest, len(PDF))

    # 4. The juror sees only this work, downloads the dossier and grades each bloc.
    jury_c = _login(app, juror)
    index = jury_c.get("/jury/").get_data(as_text=True)
    assert "Parcours" in index
    with jury_c.get(f"/fichiers/{stored.id}") as download:  # streamed: close it
        assert download.status_code == 200 and download.data == PDF
    with cand_c.get(f"/fichiers/{stored.id}") as own:
        assert own.status_code == 200
    for assignment in db.session.scalars(select(Assignment).order_by(Assignment.exam_id)):
        url = f"/jury/evaluations/{assignment.id}"
        page = jury_c.get(url).get_data(as_text=True)
        ids = sorted({int(i) for i in re.findall(r'name="level_(\d+)"', page)})
        assert len(ids) == len(assignment.exam.block.criteria)
        typed = {f"observation_{i}": f"Observation {i}" for i in ids}
        refused = jury_c.post(url, data={"version": "0", "action": "submit", **typed})
        assert refused.status_code == 422
        assert f"Observation {ids[0]}" in refused.get_data(as_text=True)  # typing kept
        levels = {f"level_{i}": "acquis" for i in ids}
        response = jury_c.post(url, data={"version": "0", "action": "confirm", **typed, **levels})
        assert response.status_code == 302
    statuses = {s.status for s in db.session.scalars(select(GradingSheet))}
    assert statuses == {SheetStatus.SUBMITTED}
    assert db.session.query(AuditEvent).filter_by(action="grade.changed").count() == 14

    # 5. Grading done, the session goes to deliberation, where the admin computes the
    # results: the task runs and its progress is reported.
    _step(admin_c, db, session, "start_grading", SessionStatus.GRADING)
    _step(admin_c, db, session, "deliberate", SessionStatus.DELIBERATION)
    response = admin_c.post(f"/sessions/{session.id}/resultats/calculer")
    assert response.status_code == 302
    page = admin_c.get(f"/sessions/{session.id}/resultats").get_data(as_text=True)
    assert "<progress" in page and "titre obtenu" in page
    title = db.session.scalar(select(TitleResult).where(TitleResult.enrolment_id == enrolment.id))
    assert title.outcome == "awarded" and title.published_at is None
    assert "titre obtenu" not in cand_c.get("/resultats").get_data(as_text=True)

    # 6. The jury deliberates: the president opens, decides each bloc as proposed,
    # closes; both members sign the PV with their password; the admin publishes after
    # the confirmation page; the candidate sees the results.
    base = f"/sessions/{session.id}/deliberation"
    assert "titre obtenu" not in admin_c.get(f"/sessions/{session.id}/resultats/publier"
                                             ).get_data(as_text=True)
    assert jury_c.post(base + "/ouvrir", data={
        "held_on": utcnow().date().isoformat(), "place": "Lille"}).status_code == 302
    for block in enrolment.blocks:
        prefix = f"d{enrolment.id}-{block.id}-"
        assert jury_c.post(f"{base}/decisions/{enrolment.id}/{block.id}", data={
            prefix + "outcome": "validated", prefix + "reason": ""}).status_code == 302
    assert jury_c.post(base + "/clore").status_code == 302
    pv = db.session.scalar(select(Minutes))
    for member in (juror, second):
        assert _login(app, member).post(f"/sessions/{session.id}/pv/0/signer", data={
            "password": DEFAULT_PASSWORD, "content_sha256": pv.content_sha256}
        ).status_code == 302
    db.session.expire_all()
    assert str(db.session.scalar(select(Minutes)).status) == "sealed"
    summary = admin_c.get(f"/sessions/{session.id}/resultats/publier").get_data(as_text=True)
    assert "1 titre délivré" in summary
    assert admin_c.post(f"/sessions/{session.id}/resultats/publier",
                        data={"confirmed": "1"}).status_code == 302
    assert "titre obtenu" in cand_c.get("/resultats").get_data(as_text=True)

    # 7. The « résultats publiés » e-mail went through the outbox to the mail backend.
    assert sum("À signer" in m["Subject"] for m in mail_outbox) == 2  # to each member
    mails = [m for m in mail_outbox if m["To"] == candidate_user.email]
    # The receipt of the hand-in (step 3), then the results, then the documents.
    assert [m["Subject"].split(" :")[0] for m in mails] == [
        "Accusé de dépôt", "Vos résultats de certification sont disponibles",
        "Vos documents de certification sont disponibles"]
    assert "/resultats" in mails[1].get_body(("plain",)).get_content()
    assert "/mes-documents" in mails[2].get_body(("plain",)).get_content()
    # 8. The certificate downloads sealed, and its public page confirms it.
    from assess.documents.models import IssuedDocument
    from assess.signing.pades import verify_pdf

    certificate = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.enrolment_id == enrolment.id, IssuedDocument.kind == "certificate"))
    pdf = cand_c.get(f"/documents/{certificate.id}/document.pdf")
    assert pdf.status_code == 200 and verify_pdf(pdf.data).valid
    verified = app.test_client().get(f"/verify/{certificate.code}")
    assert verified.status_code == 200
    assert "Ce document a bien été délivré" in verified.get_data(as_text=True)
    assert candidate_user.role == Role.CANDIDATE
