"""Defect: 40 wrong passwords sent at once against one account from one address got 19
passwords checked instead of 5. Counting and checking is now one step; the same 40 in
parallel threads, on SQLite and PostgreSQL, get exactly the limit checked."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

PARALLEL = 40


@pytest.fixture
def app_config(both_databases):
    return both_databases


def test_parallel_guesses_get_no_more_checks_than_sequential_ones(app, make_user, monkeypatch):
    from assess.accounts import operations

    user = make_user("juror")
    email = user.email
    checked, lock = [], threading.Lock()
    real_verify = operations.verify_password

    def counting_verify(password_hash, password):
        with lock:
            checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(operations, "verify_password", counting_verify)

    def guess(i: int) -> int:
        client = app.test_client()
        return client.post("/login", data={"email": email, "password": f"mauvais-{i:02d}"},
                           environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        codes = list(pool.map(guess, range(PARALLEL)))

    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    print(f"\n{PARALLEL} parallel wrong passwords: {len(checked)} checked (limit {limit})")
    assert len(checked) == limit
    assert sorted(codes) == [200] * limit + [429] * (PARALLEL - limit)
