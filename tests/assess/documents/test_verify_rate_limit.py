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


def test_a_thousand_requests_a_minute_under_the_default_limit(app, db, client):
    """The default setting against 1,000 requests in a minute from one address: the first
    ones are answered, the rest get 429 with a Retry-After, and none errs."""
    app.config["VERIFY_RATE_LIMIT"] = "60 per minute"
    responses = [client.get(f"/verify/{new_code()}") for _ in range(1000)]
    statuses = [r.status_code for r in responses]
    assert statuses.count(404) == 60 and statuses.count(429) == 940
    assert statuses[:60] == [404] * 60
    assert int(responses[-1].headers["Retry-After"]) > 0
