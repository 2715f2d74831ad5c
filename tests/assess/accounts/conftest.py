"""Fixtures of the accounts tests."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask_login import login_required

# Cheap argon2 parameters for tests that try many passwords (the real ones cost ~0.1 s).
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_CHEAP_HASHES: dict[str, str] = {}

PROTECTED = "/_test/protected"


@pytest.fixture
def protected_url(app):
    """A page that needs a login, registered before the first request."""

    @login_required
    def protected():
        return "secret"

    app.add_url_rule(PROTECTED, "test_protected", protected)
    return PROTECTED


@pytest.fixture
def real_argon2():
    """Ask for it to keep the production argon2 parameters in a test."""


@pytest.fixture(autouse=True)
def _cheap_argon2(request, monkeypatch):
    """argon2 costs ~0.1 s by design: these tests hash and verify with cheap parameters.

    The factories get a cache of their own here, so that their cache of real hashes, used
    by other features' tests, is never filled with cheap ones."""
    if "real_argon2" in request.fixturenames:
        return
    from assess.accounts import passwords
    from tests import factories

    monkeypatch.setattr(passwords, "_hasher", CHEAP)
    monkeypatch.setattr(passwords, "_throwaway_hash", lambda: _cheap_hash("throwaway"))
    monkeypatch.setattr(factories, "hash_password", CHEAP.hash)
    monkeypatch.setattr(factories, "_HASH_CACHE", _CHEAP_HASHES)


def _cheap_hash(password: str) -> str:
    if password not in _CHEAP_HASHES:
        _CHEAP_HASHES[password] = CHEAP.hash(password)
    return _CHEAP_HASHES[password]
