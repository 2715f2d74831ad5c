"""POST /candidat/epreuves/<exam_id>/depot: valid PDFs are stored with their checksum;
every refusal explains what to do and stores nothing."""

from __future__ import annotations

import hashlib
import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assess.audit.models import AuditEvent
from assess.core.columns import utcnow
from assess.sessions.models import SessionStatus
from assess.submissions.models import StoredFile, Submission
from tests.factories import move_to


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_valid_pdf_is_stored_with_its_checksum(world, as_user, post_upload, db, pdf_bytes,
                                               storage_root):
    w = world(candidates=1)
    exam = w.session.exams[0]
    client = as_user(w.candidates[0])

    response = post_upload(exam.id, filename="Mémoire final.pdf")

    stored = db.session.scalars(select(StoredFile)).one()
    expected = hashlib.sha256(pdf_bytes).hexdigest()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/candidat/depots/{stored.id}")
    assert stored.sha256 == expected
    assert stored.size == len(pdf_bytes)
    assert stored.original_name == "Mémoire final.pdf"
    assert stored.deliverable == "audit" and not stored.late and not stored.on_behalf
    assert stored.content_type == "application/pdf"
    assert stored.uploaded_by_id == w.candidates[0].id
    assert stored.storage_key == f"{expected[:2]}/{expected[2:4]}/{expected}"
    assert (storage_root / stored.storage_key).read_bytes() == pdf_bytes
    submission = stored.submission
    assert (submission.enrolment_id, submission.exam_id) == (w.enrolments[0].id, exam.id)

    receipt = client.get(response.headers["Location"])
    page = html.unescape(receipt.get_data(as_text=True))
    assert receipt.status_code == 200
    assert "Accusé de dépôt" in page
    assert expected in page
    assert "Mémoire final.pdf" in page
    assert "Votre dépôt est enregistré" in page


def test_upload_is_audited(world, as_user, post_upload, db, pdf_bytes):
    w = world(candidates=1)
    as_user(w.candidates[0])
    post_upload(w.session.exams[0].id)

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "submission.uploaded")).one()
    assert event.actor_id == w.candidates[0].id
    assert event.session_id == w.session.id
    assert event.new["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert event.new["size"] == len(pdf_bytes)


def assert_nothing_stored(db, storage_files):
    assert count(db, StoredFile) == 0
    assert count(db, Submission) == 0
    assert storage_files() == []


HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body>page</body></html>"


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"Bonjour, ceci est un texte.\n", "memoire.pdf", "n'est pas d'un type accepté ici"),
    (HTML, "memoire.pdf", "son contenu n'est pas PDF"),  # HTML renamed .pdf
    (b"", "memoire.pdf", "Le fichier est vide"),
    (None, None, "Choisissez le fichier à déposer"),
], ids=["text-renamed-pdf", "html-renamed-pdf", "empty", "no-file"])
def test_refused_files_store_nothing(world, as_user, post_upload, db, storage_files,
                                     data, filename, message):
    w = world(candidates=1)
    as_user(w.candidates[0])

    response = post_upload(w.session.exams[0].id, data=data, filename=filename)

    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert 'aria-invalid="true"' in page
    assert_nothing_stored(db, storage_files)


def test_refused_after_deadline(world, as_user, post_upload, db, storage_files):
    w = world(candidates=1)
    exam = w.session.exams[0]
    for part in exam.parts:
        part.submission_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    as_user(w.candidates[0])

    response = post_upload(exam.id)

    assert response.status_code == 409
    assert "La date limite de dépôt est passée" in html.unescape(response.get_data(as_text=True))
    assert_nothing_stored(db, storage_files)


def test_refused_once_results_are_published(world, as_user, post_upload, db, storage_files):
    w = world(candidates=1)
    move_to(w.session, SessionStatus.PUBLISHED)
    db.session.commit()
    as_user(w.candidates[0])

    response = post_upload(w.session.exams[0].id)

    assert response.status_code == 409
    assert "résultats de la session sont publiés" in html.unescape(response.get_data(as_text=True))
    assert_nothing_stored(db, storage_files)


def test_deadline_is_the_one_of_the_part_that_has_one(world, as_user, post_upload, db):
    """Bloc 3: the dossier part carries the deadline; the oral part has none."""
    w = world(candidates=1)
    exam = w.session.exams[2]
    dossier, oral = exam.parts
    dossier.submission_deadline = utcnow() - timedelta(hours=1)
    oral.submission_deadline = None
    db.session.commit()
    as_user(w.candidates[0])

    assert post_upload(exam.id).status_code == 409

    dossier.submission_deadline = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert post_upload(exam.id).status_code == 302


def test_reupload_supersedes_and_keeps_the_previous_file(world, as_user, post_upload, db,
                                                         storage_root):
    w = world(candidates=1)
    exam = w.session.exams[0]
    client = as_user(w.candidates[0])
    first, second = b"%PDF-1.4 version 1", b"%PDF-1.7 version 2"

    post_upload(exam.id, data=first)
    post_upload(exam.id, data=second)

    files = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    assert count(db, Submission) == 1
    assert [f.sha256 for f in files] == [hashlib.sha256(d).hexdigest() for d in (first, second)]
    assert files[0].superseded_at is not None
    assert files[1].superseded_at is None
    assert all((storage_root / f.storage_key).exists() for f in files)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "submission.uploaded").order_by(AuditEvent.id)).all()
    assert events[1].old == {"file_id": files[0].id, "sha256": files[0].sha256}

    page = client.get("/candidat/").get_data(as_text=True)
    assert files[1].sha256 in page
    assert "Versions remplacées (1)" in page


@pytest.mark.parametrize("who", ["anonymous", "juror", "centre_admin", "certifier_admin"])
def test_only_candidates_may_upload(world, as_user, post_upload, client, db, storage_files,
                                    who):
    w = world(candidates=1)
    user = {"juror": w.jurors[0], "centre_admin": w.centre_admin,
            "certifier_admin": w.admin}.get(who)
    if user:
        as_user(user)

    response = post_upload(w.session.exams[0].id)

    if who == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert_nothing_stored(db, storage_files)


def test_other_candidate_or_bloc_not_enrolled_is_404(world, as_user, post_upload, db,
                                                     storage_files, referential_version):
    from tests.factories import create_user, enrol

    w = world(candidates=1)
    other_world = world(candidates=1)
    partial = create_user("candidate", centre=w.centre)
    enrol(w.session, partial, blocks=[referential_version.blocks[2]])
    db.session.commit()

    as_user(w.candidates[0])
    assert post_upload(other_world.session.exams[0].id).status_code == 404  # not their session
    assert post_upload(999_999).status_code == 404
    as_user(partial)
    assert post_upload(w.session.exams[0].id).status_code == 404  # bloc 1 not in enrolment
    assert_nothing_stored(db, storage_files)
    assert post_upload(w.session.exams[2].id).status_code == 302  # bloc 3 is


def test_the_type_is_told_by_the_bytes_not_the_name(world, as_user, post_upload, db):
    """A real PDF saved under a Word name is a PDF: it is kept, named as a PDF."""
    w = world(candidates=1)
    as_user(w.candidates[0])
    response = post_upload(w.session.exams[0].id, data=b"%PDF-1.4\n% a report\n%%EOF\n",
                           filename="memoire.docx")
    assert response.status_code == 302
    stored = db.session.scalars(select(StoredFile)).one()
    assert stored.original_name == "memoire.docx.pdf"
    assert stored.content_type == "application/pdf"
