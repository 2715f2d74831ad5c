"""/verify/ is rate-limited per address (VERIFY_RATE_LIMIT): 429 beyond the limit."""

from __future__ import annotations

import pytest

from assess.documents.codes import new_code


@pytest.fixture
def app_config():
    return {"VERIFY_RATE_LIMIT": "3 per minute"}


def test_too_many_verifications_a_minute_are_refused(db, client):
    codes = [new_code() for _ in range(5)]
    statuses = [client.get(f"/verify/{c}").status_code for c in codes]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]
    # Another address is not held back by this one's requests.
    other = client.get(f"/verify/{new_code()}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404
