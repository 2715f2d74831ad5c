"""GET /fichiers/<file_id>: streamed to the owner, assigned jurors and the admins who
manage the session's centre; 404 for everyone else (existence is not revealed)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.submissions.permissions import can_download
from tests.factories import assign, create_user


@pytest.fixture
def deposit(world, upload_file, db, pdf_bytes):
    """Candidate 0's bloc 1 file; jurors[0] assigned to it, jurors[1] to another épreuve."""
    w = world(candidates=2, jurors=3, assign_all=False)
    exam = w.session.exams[0]
    assign(w.jurors[0], w.enrolments[0], exam)
    assign(w.jurors[1], w.enrolments[0], w.session.exams[1])  # same candidate, other épreuve
    assign(w.jurors[1], w.enrolments[1], exam)  # same épreuve, other candidate
    db.session.commit()
    stored = upload_file(w.candidates[0], w.enrolments[0], exam, data=pdf_bytes,
                         filename="Étude de cas.pdf")
    return w, stored


USERS = {
    "owner": lambda w: w.candidates[0],
    "other_candidate": lambda w: w.candidates[1],
    "assigned_juror": lambda w: w.jurors[0],
    "juror_assigned_elsewhere": lambda w: w.jurors[1],
    "unassigned_juror": lambda w: w.jurors[2],
    "certifier_admin": lambda w: w.admin,
    "own_centre_admin": lambda w: w.centre_admin,
    "other_centre_admin": lambda w: w.other_centre_admin,
}
ALLOWED = {"owner", "assigned_juror", "certifier_admin", "own_centre_admin"}


@pytest.mark.parametrize("who", sorted(USERS))
def test_download_matrix(deposit, as_user, client, pdf_bytes, who):
    w, stored = deposit
    user = USERS[who](w)
    as_user(user)

    response = client.get(f"/fichiers/{stored.id}")
    try:
        if who in ALLOWED:
            assert response.status_code == 200
            assert response.data == pdf_bytes
            assert response.mimetype == "application/pdf"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Disposition"].startswith("attachment;")
            disposition = response.headers["Content-Disposition"]
            # The candidate's own name, in RFC 5987 for any script, with an ASCII fallback.
            assert "filename*=UTF-8''%C3%89tude%20de%20cas.pdf" in disposition
            assert disposition.startswith("attachment;")
            assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
            assert "no-store" in response.headers["Cache-Control"]
        else:
            assert response.status_code == 404
    finally:
        response.close()
    assert can_download(user, stored) is (who in ALLOWED)


def test_guessed_ids_are_404_like_missing_ones(deposit, as_user, client):
    w, stored = deposit
    as_user(w.candidates[1])
    assert client.get(f"/fichiers/{stored.id}").status_code == 404
    assert client.get(f"/fichiers/{stored.id + 1000}").status_code == 404


def test_anonymous_is_sent_to_login(deposit, client):
    _, stored = deposit
    response = client.get(f"/fichiers/{stored.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("who", "audited"), [
    ("owner", False), ("assigned_juror", True), ("certifier_admin", True),
    ("own_centre_admin", True), ("other_centre_admin", False),
])
def test_downloads_by_jurors_and_admins_are_audited(deposit, as_user, client, db, who,
                                                    audited):
    w, stored = deposit
    user = USERS[who](w)
    as_user(user)

    client.get(f"/fichiers/{stored.id}").close()

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "file.downloaded")).all()
    if audited:
        assert [(e.actor_id, e.object_type, e.object_id, e.session_id) for e in events] == [
            (user.id, "StoredFile", stored.id, w.session.id)]
        assert events[0].new["sha256"] == stored.sha256
    else:
        assert events == []


def test_superseded_file_stays_downloadable_by_its_owner(deposit, as_user, client,
                                                         upload_file, pdf_bytes):
    w, stored = deposit
    upload_file(w.candidates[0], w.enrolments[0], w.session.exams[0], data=b"%PDF-1.7 v2")
    as_user(w.candidates[0])

    response = client.get(f"/fichiers/{stored.id}")
    assert response.data == pdf_bytes
    response.close()


def test_candidate_of_another_centre_cannot_download(deposit, as_user, client, db):
    w, stored = deposit
    stranger = create_user("candidate", centre=w.other_centre)
    db.session.commit()
    as_user(stranger)
    assert client.get(f"/fichiers/{stored.id}").status_code == 404
