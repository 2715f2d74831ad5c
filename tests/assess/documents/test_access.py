"""Who reaches which document: the holder, the admins of its centre, the certifier; only
the certifier revokes (with a reason) and regenerates. Anyone else: 404 or 403."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.documents.models import IssuedDocument


@pytest.fixture
def two(db, issued, documents_of):
    """(world, candidate 1's attestation, candidate 2's attestation)."""
    d = issued()
    first, second = (documents_of(e)[1] for e in d.w.enrolments)
    return d.w, first, second


def _urls(document):
    return [f"/documents/{document.id}/document.pdf", f"/documents/{document.id}/badge.jwt"]


def test_the_holder_downloads_their_documents(db, two, client, as_user):
    w, mine, _theirs = two
    as_user(w.candidates[0])
    response = client.get(_urls(mine)[0])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == mine.pdf
    assert "no-store" in response.headers["Cache-Control"]


def test_a_candidate_cannot_download_another_candidate_s_document(db, two, client, as_user):
    w, _mine, theirs = two
    as_user(w.candidates[0])
    for url in _urls(theirs) + ["/documents/999999/document.pdf"]:
        assert client.get(url).status_code == 404


def test_a_centre_sees_its_own_candidates_documents_only(db, two, client, as_user):
    w, first, _second = two
    as_user(w.centre_admin)
    assert client.get(_urls(first)[0]).status_code == 200
    assert first.code in client.get("/documents").get_data(as_text=True)
    as_user(w.other_centre_admin)
    for url in _urls(first):
        assert client.get(url).status_code == 404
    page = client.get("/documents").get_data(as_text=True)
    assert first.code not in page and first.facts["holder_name"] not in page


def test_a_juror_reaches_no_document(db, two, client, as_user):
    w, first, _second = two
    as_user(w.jurors[0])
    assert client.get(_urls(first)[0]).status_code == 404
    assert client.get("/documents").status_code == 403


@pytest.mark.parametrize("who", ["centre_admin", "other_centre_admin", "candidate", "juror"])
def test_only_the_certifier_revokes_and_regenerates(db, two, client, as_user, who):
    w, first, _second = two
    user = {"centre_admin": w.centre_admin, "other_centre_admin": w.other_centre_admin,
            "candidate": w.candidates[0], "juror": w.jurors[0]}[who]
    as_user(user)
    assert client.get(f"/documents/{first.id}/revoquer").status_code == 403
    assert client.post(f"/documents/{first.id}/revoquer",
                       data={"reason": "Je voudrais le révoquer."}).status_code == 403
    assert client.post(f"/documents/{first.id}/regenerer").status_code == 403
    db.session.refresh(first)
    assert first.revoked_at is None


@pytest.mark.parametrize("reason", ["", "   ", "abc"])
def test_a_revocation_needs_a_reason(db, two, client, as_user, reason):
    w, first, _second = two
    as_user(w.admin)
    response = client.post(f"/documents/{first.id}/revoquer", data={"reason": reason})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and "field-error" in page
    db.session.refresh(first)
    assert first.revoked_at is None


def test_the_certifier_revokes_with_a_reason_once(db, two, client, as_user):
    w, first, _second = two
    as_user(w.admin)
    form = client.get(f"/documents/{first.id}/revoquer")
    assert form.status_code == 200 and 'name="reason"' in form.get_data(as_text=True)
    reason = "Le nom porté sur le document est erroné."
    response = client.post(f"/documents/{first.id}/revoquer", data={"reason": reason})
    assert response.status_code == 302
    db.session.expire_all()
    document = db.session.get(IssuedDocument, first.id)
    assert document.revoked_at is not None and document.revocation_reason == reason
    assert document.revoked_by_id == w.admin.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "documents.revoked"))
    assert event.actor_id == w.admin.id and event.reason == reason
    # Revoked once: a second submission changes nothing and says so.
    again = client.post(f"/documents/{first.id}/revoquer", data={"reason": "Encore une fois."})
    assert again.status_code == 200 and "révoqué depuis" in again.get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "documents.revoked")).all() == [event]


def test_unknown_ids_are_not_found(db, two, client, as_user):
    w, _first, _second = two
    as_user(w.admin)
    assert client.get("/documents/999999/revoquer").status_code == 404
    assert client.post("/documents/999999/regenerer").status_code == 404
    assert client.get("/documents/999999/badge.jwt").status_code == 404
