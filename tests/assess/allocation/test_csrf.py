"""The allocation forms carry and require the CSRF token (switched back on here)."""

from __future__ import annotations

import re

import pytest

from assess.juries.models import Assignment
from tests.assess.allocation.helpers import allocation_world


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_the_allocation_posts_refuse_a_missing_token(world, as_user, db):
    w = allocation_world(world, candidates=1)
    client = as_user(w.centre_admin)
    base = f"/sessions/{w.session.id}/repartition"
    assert client.post(base + "/parametres", data={"evaluators_per_work": "3"}
                       ).status_code == 400
    assert client.post(base + "/auto").status_code == 400
    db.session.expire_all()
    assert w.session.evaluators_per_work == 2 and db.session.query(Assignment).count() == 0
    page = client.get(base).get_data(as_text=True)
    tokens = re.findall(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert len(tokens) >= 2
    assert client.post(base + "/parametres", data={"evaluators_per_work": "3",
                                                   "csrf_token": tokens[-1]}
                       ).status_code == 302
    assert client.post(base + "/auto", data={"csrf_token": tokens[-1]}).status_code == 302
    assert db.session.query(Assignment).count() == 6
