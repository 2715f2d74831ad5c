"""The juror profile forms carry and require the CSRF token (switched back on here)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assess.juries.models import JurorAvailability


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(client, path) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no csrf token on the page"
    return match.group(1)


def test_the_profile_forms_refuse_a_post_without_token(world, as_user, db):
    w = world(candidates=0, jurors=1, assign_all=False)
    juror = w.jurors[0]
    client = as_user(juror)
    data = {"first_name": "Sophie", "last_name": "Martin", "organisation": "Agence"}
    assert client.post("/jury/profil", data=data).status_code == 400
    period = {"starts_on": str(date.today()), "ends_on": str(date.today())}
    assert client.post("/jury/profil/disponibilites", data=period).status_code == 400
    db.session.refresh(juror)
    assert juror.organisation is None
    token = _token(client, "/jury/profil")
    assert client.post("/jury/profil", data=data | {"csrf_token": token}).status_code == 302
    assert client.post("/jury/profil/disponibilites",
                       data=period | {"csrf_token": token}).status_code == 302
    [row] = db.session.query(JurorAvailability).all()
    path = f"/jury/profil/disponibilites/{row.id}/supprimer"
    assert client.post(path).status_code == 400
    assert client.post(path, data={"csrf_token": token}).status_code == 302


def test_the_admins_edit_refuses_a_post_without_token(world, as_user, db):
    w = world(candidates=0, jurors=1, assign_all=False)
    client = as_user(w.centre_admin)
    path = f"/jurys/membres/{w.jurors[0].id}"
    assert client.post(path, data={"organisation": "Agence"}).status_code == 400
    token = _token(client, path)
    assert client.post(path, data={"organisation": "Agence",
                                   "csrf_token": token}).status_code == 302
