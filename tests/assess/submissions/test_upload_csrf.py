"""With CSRF on (production), the upload form's token is accepted and its absence refused."""

from __future__ import annotations

import io
import re

import pytest


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_upload_form_carries_a_valid_token(world, as_user, client, pdf_bytes):
    w = world(candidates=1)
    exam = w.session.exams[0]
    as_user(w.candidates[0])
    page = client.get("/candidat/").get_data(as_text=True)
    url = f"/candidat/epreuves/{exam.id}/depot/audit"
    form = page[page.index(f'action="{url}"'):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)

    refused = client.post(url, data={"file": (io.BytesIO(pdf_bytes), "a.pdf")},
                          content_type="multipart/form-data")
    accepted = client.post(url, data={"file": (io.BytesIO(pdf_bytes), "a.pdf"),
                                      "csrf_token": token},
                           content_type="multipart/form-data")

    assert refused.status_code == 400
    assert accepted.status_code == 302
