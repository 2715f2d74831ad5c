"""Every route refuses anonymous users, except a short, reviewed list of public ones.

A route added without protection fails here, whatever its feature.
"""

from __future__ import annotations

import re

import pytest

PUBLIC = {
    "static", "web.home", "web.healthz", "web.favicon", "web.set_language", "referential.public",
    "auth.login", "auth.logout", "auth.accept_invitation", "auth.forgot_password",
    "auth.reset_password", "statistics.public_summary", "documents.verify", "documents.jwks",
}


def _routes():
    import tempfile
    from pathlib import Path

    from assess import create_app
    from tests.conftest import make_config

    # Only the URL map is read: no request, no database.
    app = create_app(make_config(Path(tempfile.mkdtemp(prefix="assess-routes-"))))
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        yield rule.endpoint, rule.rule, methods[0] if "GET" not in methods else "GET", rule


ROUTES = sorted({(e, r, m) for e, r, m, _rule in _routes()})


def test_the_public_list_names_real_endpoints():
    endpoints = {e for e, _r, _m in ROUTES}
    assert PUBLIC <= endpoints


# Called by the page's script, not by a person: a redirect to the login page would be
# followed silently by fetch(); they answer 401 in JSON and the page says what to do.
JSON_ENDPOINTS = {"grading.draft"}


def _url(rule: str) -> str:
    # Any argument will do: the login check comes before the object is looked up.
    url = re.sub(r"<int:\w+>", "1", rule)
    return re.sub(r"<(?:\w+:)?\w+>", "x", url)


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in ROUTES if r[0] in JSON_ENDPOINTS])
def test_anonymous_gets_a_401_in_json_from_script_endpoints(client, endpoint, rule, method):
    response = client.open(_url(rule), method=method)
    assert response.status_code == 401 and response.is_json


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in ROUTES if r[0] not in PUBLIC | JSON_ENDPOINTS])
def test_anonymous_is_sent_to_login(client, endpoint, rule, method):
    url = _url(rule)
    response = client.open(url, method=method)
    assert response.status_code == 302, f"{method} {url} ({endpoint}) answered {response.status_code}"
    assert "/login" in response.headers["Location"]
