"""Fixtures of the submissions tests: PDF bytes, uploads, the storage directory, SQL counting."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from tests.conftest import MINIMAL_PDF as PDF


@pytest.fixture
def pdf_bytes():
    return PDF


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
