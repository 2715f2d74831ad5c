"""Defect: two first uploads of the same épreuve at once answered 500 (the submission's
unique key), and double clicks left several files current. Twenty uploads at once, from
threads against the real database (SQLite and PostgreSQL): no error, one submission, every
file kept as a version, exactly one current."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, insert, select

from assess.core.columns import utcnow
from assess.submissions.models import StoredFile, Submission
from tests.conftest import signed_in_cookie_id

UPLOADS = 20


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


@pytest.mark.parametrize("first", [True, False], ids=["first-uploads", "later-uploads"])
def test_uploads_at_once_are_all_kept_one_after_the_other(app, db, world, upload_file, first):
    w = world(candidates=1)
    exam = w.session.exams[2]
    if not first:
        upload_file(w.candidates[0], w.enrolments[0], exam, data=b"%PDF-1 earlier")
    cookie_id = signed_in_cookie_id(w.candidates[0])
    url = f"/candidat/epreuves/{exam.id}/depot"

    def upload(i: int) -> int:
        client = app.test_client()  # a browser tab of its own, in its own thread
        with client.session_transaction() as sess:
            sess["_user_id"], sess["_fresh"] = cookie_id, True
        response = client.post(url, data={
            "file": (io.BytesIO(b"%%PDF-1 version %d" % i), f"v{i}.pdf")},
            content_type="multipart/form-data")
        return response.status_code

    with ThreadPoolExecutor(max_workers=UPLOADS) as pool:
        codes = list(pool.map(upload, range(UPLOADS)))

    assert codes == [302] * UPLOADS
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Submission.id))) == 1
    files = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    assert len(files) == UPLOADS + (0 if first else 1)
    live = [f for f in files if f.superseded_at is None]
    assert [f.id for f in live] == [files[-1].id]  # the last one written is current
    for older, newer in zip(files, files[1:], strict=False):
        assert older.superseded_at is not None and older.superseded_at <= newer.uploaded_at
