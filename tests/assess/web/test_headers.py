"""Defect: some answers went out without the security headers, pages of signed-in users
could be cached, and cookies were not Secure behind HTTPS."""

from __future__ import annotations

import subprocess
import sys

import pytest
from werkzeug.exceptions import InternalServerError

from tests.processes import REPO


def _has_security_headers(response) -> bool:
    return (response.headers.get("Content-Security-Policy", "").startswith("default-src")
            and response.headers.get("X-Content-Type-Options") == "nosniff")


def _many_cookies(client) -> None:
    """About 100 KB of cookies, each within a browser's 4 KB limit: a cookie jar grown out
    of hand."""
    for n in range(25):
        client.set_cookie(f"tracker{n}", "a" * 4000)


def test_pages_of_a_signed_in_user_are_never_stored(client, as_user, make_user):
    as_user(make_user("certifier_admin"))
    for path in ("/sessions/", "/centres/", "/compte", "/referentiel"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_public_pages_of_anonymous_visitors_may_be_stored(client):
    assert "no-store" not in client.get("/referentiel").headers.get("Cache-Control", "")


@pytest.mark.parametrize(("make", "code"), [
    (lambda c: _many_cookies(c) or c.get("/login"), 431),
    (lambda c: c.post("/login", data=b"x" * (25 * 1024 * 1024),
                      content_type="application/octet-stream"), 413),
    (lambda c: c.get("/no-such-page"), 404),
    (lambda c: c.delete("/login"), 405),
    (lambda c: c.get("/sessions/4294967296"), 404),
])
def test_every_error_answer_carries_the_security_headers(client, make, code):
    response = make(client)
    assert response.status_code == code
    assert _has_security_headers(response)


def test_an_oversized_cookie_is_explained_in_french(client):
    _many_cookies(client)
    response = client.get("/login")
    assert "cookies trop volumineux" in response.get_data(as_text=True)


def test_a_500_carries_the_security_headers_and_the_apps_page(tmp_path):
    from assess import create_app
    from assess.extensions import db
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.get("/_boom")
    def boom():
        raise InternalServerError()

    with app.app_context():
        db.create_all()
        response = app.test_client().get("/_boom")
        db.engine.dispose()
    assert response.status_code == 500 and _has_security_headers(response)
    assert "Erreur interne" in response.get_data(as_text=True)


@pytest.mark.parametrize(("base_url", "secure"), [("https://assess.example.fr", "True"),
                                                 ("http://127.0.0.1:5000", "False")])
def test_cookies_are_secure_whenever_the_platform_is_served_over_https(base_url, secure):
    code = "from config import Config; print(Config.SESSION_COOKIE_SECURE)"
    env = {"PATH": "/usr/bin:/bin", "BASE_URL": base_url}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == secure
