"""Who may open the juror pages: anonymous → login, other roles → 403,
a juror not assigned → 404 for the sheet (and an empty list), the assigned juror → 200."""

from __future__ import annotations

import pytest

from assess.grading.models import GradingSheet
from tests.assess.grading.grading_helpers import bloc_assignment, form_data, sheet_url


def _request(client, method, route, assignment):
    if route == "index":
        return client.get("/jury/")
    url = sheet_url(assignment)
    if method == "GET":
        return client.get(url)
    return client.post(url, data=form_data(assignment, observations={"CR1.1": "Note"}))


ROUTES = [("GET", "index"), ("GET", "sheet"), ("POST", "sheet")]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_anonymous_is_sent_to_login(client, grading_world, method, route):
    response = _request(client, method, route, bloc_assignment(grading_world, 1))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["admin", "centre_admin", "candidate"])
@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_other_roles_are_refused_with_403(client, as_user, grading_world, db, who, method,
                                          route):
    # Admins do not grade here, even the certifier admin who sees everything else.
    user = grading_world.candidates[0] if who == "candidate" else getattr(grading_world, who)
    as_user(user)
    response = _request(client, method, route, bloc_assignment(grading_world, 1))
    assert response.status_code == 403
    assert db.session.query(GradingSheet).count() == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_juror_not_assigned_gets_404_for_the_sheet(client, as_user, grading_world, db,
                                                     method):
    as_user(grading_world.jurors[1])
    response = _request(client, method, "sheet", bloc_assignment(grading_world, 1))
    assert response.status_code == 404
    assert db.session.query(GradingSheet).count() == 0


def test_a_missing_assignment_is_404(client, as_user, grading_world):
    as_user(grading_world.jurors[0])
    assert client.get("/jury/evaluations/999999").status_code == 404


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_the_assigned_juror_gets_the_page(client, as_user, grading_world, method, route):
    as_user(grading_world.jurors[0])
    response = _request(client, method, route, bloc_assignment(grading_world, 1))
    if method == "POST":
        assert response.status_code == 302
        assert response.headers["Location"].endswith(sheet_url(bloc_assignment(grading_world, 1)))
    else:
        assert response.status_code == 200


def test_the_juror_entry_is_in_the_navigation(client, as_user, grading_world):
    as_user(grading_world.jurors[0])
    html = client.get("/jury/").get_data(as_text=True)
    assert 'href="/jury/" aria-current="page"' in html
