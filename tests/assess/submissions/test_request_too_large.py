"""A request over MAX_CONTENT_LENGTH is stopped by Werkzeug (413); the app-wide handler
renders a page that says what to do, and nothing is stored."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from assess.submissions.models import StoredFile


@pytest.fixture
def app_config():
    return {"MAX_CONTENT_LENGTH": 4 * 1024}


def test_413_renders_a_helpful_page(world, as_user, post_upload, db, storage_files):
    w = world(candidates=1)
    as_user(w.candidates[0])

    response = post_upload(w.session.exams[0].id, data=b"%PDF-1.4\n" + b"x" * (64 * 1024))

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 413
    assert "Fichier trop volumineux" in page
    # The limit is said, without JavaScript (the page's script says it before sending).
    assert "Le fichier dépasse la taille autorisée (20 Mo au maximum)." in page
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert storage_files() == []
