"""Both forms carry and require the CSRF token (switched back on here)."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(client, path) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no csrf token on the page"
    return match.group(1)


def test_the_juror_form_refuses_a_post_without_token(s, as_user, links):
    client = as_user(s.w.jurors[0])
    data = {"candidate": f"a{s.a1.id}", "kind": "trainer", "detail": "Formateur"}
    assert client.post("/jury/conflits", data=data).status_code == 400
    assert links() == []
    token = _token(client, "/jury/conflits")
    assert client.post("/jury/conflits", data=data | {"csrf_token": token}).status_code == 302
    assert len(links()) == 1


def test_the_admin_form_refuses_a_post_without_token(s, as_user, links):
    w = s.w
    client = as_user(w.centre_admin)
    path = f"/sessions/{w.session.id}/conflits"
    data = {"juror": str(w.jurors[1].id), "enrolment": str(w.enrolments[0].id),
            "kind": "employer", "detail": ""}
    assert client.post(path, data=data).status_code == 400
    assert links() == []
    assert client.post(path, data=data | {"csrf_token": _token(client, path)}).status_code == 302
    assert len(links()) == 1
