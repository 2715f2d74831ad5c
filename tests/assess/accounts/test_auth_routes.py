"""Who may open each auth page."""

from __future__ import annotations

import pytest

from assess.accounts.tokens import INVITATION, PASSWORD_RESET, make_token


@pytest.fixture
def pages(make_user):
    invited = make_user("juror", password=None)
    member = make_user("candidate")
    return {
        "/login": 200,
        "/password/forgot": 200,
        f"/invitation/{make_token(invited, INVITATION)}": 200,
        f"/password/reset/{make_token(member, PASSWORD_RESET)}": 200,
        "/invitation/garbage": 400,
        "/password/reset/garbage": 400,
    }


def test_anonymous_may_open_every_auth_page(client, pages):
    for path, status in pages.items():
        response = client.get(path)
        assert response.status_code == status, path
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", ["certifier_admin", "centre_admin", "juror", "candidate"])
def test_logged_in_users_are_sent_away_from_login_only(client, make_user, as_user, pages,
                                                       role):
    as_user(make_user(role))
    for path, status in pages.items():
        expected = 302 if path == "/login" else status
        assert client.get(path).status_code == expected, path


def test_logout_only_posts(client, make_user, as_user):
    as_user(make_user("juror"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").location == "/login"
