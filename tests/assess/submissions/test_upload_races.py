"""Two uploads for the same épreuve at once: one current file per submission, by the
database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, insert, select

from assess.core.columns import utcnow
from assess.submissions.models import StoredFile, Submission


@pytest.fixture
def app_config(both_databases):
    return both_databases


def test_the_database_refuses_two_current_files(db, world):
    w = world(candidates=1)
    submission = Submission(enrolment_id=w.enrolments[0].id, exam_id=w.session.exams[2].id)
    db.session.add(submission)
    db.session.flush()
    row = {"submission_id": submission.id, "original_name": "a.pdf",
           "content_type": "application/pdf", "size": 1, "sha256": "a" * 64,
           "storage_key": "aa/aa/" + "a" * 64, "uploaded_by_id": w.candidates[0].id}
    db.session.execute(insert(StoredFile), [row, {**row, "superseded_at": utcnow()}])
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.execute(insert(StoredFile), [row])
    db.session.rollback()


def test_an_upload_racing_another_answers_409_and_stores_nothing(db, world, as_user,
                                                                  post_upload, upload_file,
                                                                  storage_files):
    w = world(candidates=1)
    exam = w.session.exams[2]
    first = upload_file(w.candidates[0], w.enrolments[0], exam, data=b"%PDF-1 first")
    blobs_before = storage_files()
    as_user(w.candidates[0])

    @event.listens_for(db.session, "before_flush", once=True)
    def another_upload_lands(session, *_args):
        # Between this upload's "supersede the current file" and its INSERT, another
        # upload's file becomes current.
        session.connection().execute(insert(StoredFile), [{
            "submission_id": first.submission_id, "original_name": "autre.pdf",
            "content_type": "application/pdf", "size": 1, "sha256": "b" * 64,
            "storage_key": "bb/bb/" + "b" * 64, "uploaded_by_id": w.candidates[0].id}])

    response = post_upload(exam.id, data=b"%PDF-1 second")

    assert response.status_code == 409
    db.session.expire_all()
    live = db.session.scalars(select(StoredFile).where(StoredFile.superseded_at.is_(None))).all()
    assert [f.id for f in live] == [first.id]
    assert db.session.scalar(select(func.count(StoredFile.id))) == 1
    assert storage_files() == blobs_before  # the second blob was removed again
