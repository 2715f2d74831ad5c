"""MAX_UPLOAD_BYTES is enforced while copying: an oversized PDF is refused, nothing kept."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from assess.submissions.models import StoredFile, Submission

LIMIT = 1024


@pytest.fixture
def app_config():
    return {"MAX_UPLOAD_BYTES": LIMIT}


def test_pdf_over_the_limit_is_refused(world, as_user, post_upload, db, storage_files):
    w = world(candidates=1)
    as_user(w.candidates[0])

    response = post_upload(w.session.exams[0].id, data=b"%PDF-1.4\n" + b"x" * (200 * 1024))

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Le fichier dépasse 1 Ko : réduisez sa taille" in page
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    assert storage_files() == []  # not even a temporary file


def test_pdf_of_exactly_the_limit_is_accepted(world, as_user, post_upload, db):
    w = world(candidates=1)
    as_user(w.candidates[0])
    data = b"%PDF-1.4\n" + b"x" * (LIMIT - 9)

    assert post_upload(w.session.exams[0].id, data=data).status_code == 302
    assert db.session.scalars(select(StoredFile)).one().size == LIMIT


def test_the_form_announces_the_limit(world, as_user, client):
    w = world(candidates=1)
    as_user(w.candidates[0])

    page = html.unescape(client.get("/candidat/").get_data(as_text=True))
    assert "PDF, 1 Ko au maximum" in page
    assert f'data-max-bytes="{LIMIT}"' in page
