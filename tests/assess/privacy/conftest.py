"""Published results (the appeals' world) with files handed in, for the archive."""

from __future__ import annotations

import io

import pytest

from tests.assess.appeals.conftest import published  # noqa: F401 (a fixture)
from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)


@pytest.fixture
def hand_in(db):
    """hand_in(enrolment, exam, data, name) -> StoredFile: a file stored and recorded as
    handed in (the session may be past its hand-in window)."""
    from sqlalchemy import select

    from assess.storage import get_storage
    from assess.submissions.models import StoredFile, Submission

    def make(enrolment, exam, data=b"%PDF-1.4 copie", name="memoire.pdf"):
        blob = get_storage().save_stream(io.BytesIO(data), max_bytes=10**9)
        submission = db.session.scalar(select(Submission).where(
            Submission.enrolment_id == enrolment.id, Submission.exam_id == exam.id))
        if submission is None:
            submission = Submission(enrolment_id=enrolment.id, exam_id=exam.id)
            db.session.add(submission)
            db.session.flush()
        stored = StoredFile(submission_id=submission.id, original_name=name,
                            content_type="application/pdf", size=blob.size,
                            sha256=blob.sha256, storage_key=blob.key,
                            uploaded_by_id=enrolment.candidate.user_id, deliverable="document")
        db.session.add(stored)
        db.session.commit()
        return stored

    return make
