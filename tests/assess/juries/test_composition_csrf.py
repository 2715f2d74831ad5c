"""The jury forms carry and require the CSRF token (switched back on here)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assess.juries.models import Jury


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_the_jury_form_requires_its_token(world, as_user, db):
    w = world(candidates=1, jurors=2)
    client = as_user(w.centre_admin)
    url = f"/sessions/{w.session.id}/jury/modifier"
    data = {"version": "", f"j{w.jurors[0].id}": "president", f"j{w.jurors[1].id}": "member"}
    assert client.post(url, data=data).status_code == 400
    assert db.session.scalar(select(Jury)) is None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get(url).get_data(as_text=True)).group(1)
    assert client.post(url, data=data | {"csrf_token": token}).status_code == 302
    assert len(db.session.scalar(select(Jury)).members) == 2


def test_the_force_form_requires_its_token(world, as_user, db):
    w = world(candidates=1, jurors=1)
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/jury/forcer",
                                     data={"reason": "Un membre empêché la veille de la session."})
    assert response.status_code == 400
