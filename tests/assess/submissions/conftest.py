"""Fixtures of the submissions tests: PDF bytes, uploads, the storage directory, SQL counting."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


@pytest.fixture
def pdf_bytes():
    return PDF


@pytest.fixture
def post_upload(client):
    def post(exam_id, data=PDF, filename="memoire.pdf", c=None, **kwargs):
        c = c or client
        payload = {"file": (io.BytesIO(data), filename)} if data is not None else {}
        return c.post(f"/candidat/epreuves/{exam_id}/depot", data=payload,
                      content_type="multipart/form-data", **kwargs)

    return post


@pytest.fixture
def upload_file(app, db):
    """Upload through the operation (no HTTP) and commit; returns the StoredFile."""
    from assess.submissions import operations

    def do(user, enrolment, exam, data=PDF, filename="memoire.pdf"):
        with app.test_request_context():
            stored = operations.upload(user, enrolment, exam,
                                       FileStorage(io.BytesIO(data), filename=filename))
            db.session.commit()
            return stored

    return do
