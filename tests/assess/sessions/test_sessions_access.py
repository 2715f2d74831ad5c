"""Every session route: anonymous → login, wrong role → 403, other centre → 404, admins → 200."""

from __future__ import annotations

import pytest

ROUTES = [
    ("index", "/sessions/"),
    ("create", "/sessions/new"),
    ("show", "/sessions/{sid}"),
    ("edit_exams", "/sessions/{sid}/exams"),
    ("enrol", "/sessions/{sid}/enrol"),
    ("assign", "/sessions/{sid}/enrolments/{eid}/assign"),
    ("invite_juror", "/sessions/jurors/new"),
]
SCOPED = [r for r in ROUTES if "{sid}" in r[1]]


def _url(world, template):
    return template.format(sid=world.session.id, eid=world.enrolments[0].id)


@pytest.fixture
def w(world):
    return world(candidates=1, jurors=1)


@pytest.mark.parametrize(("name", "template"), ROUTES)
def test_anonymous_is_sent_to_login(client, w, name, template):
    response = client.get(_url(w, template))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("name", "template"), ROUTES)
@pytest.mark.parametrize("who", ["juror", "candidate"])
def test_juror_and_candidate_are_refused(as_user, w, name, template, who):
    user = w.jurors[0] if who == "juror" else w.candidates[0]
    assert as_user(user).get(_url(w, template)).status_code == 403


@pytest.mark.parametrize(("name", "template"), ROUTES)
@pytest.mark.parametrize("who", ["admin", "centre_admin"])
def test_admins_reach_every_page(as_user, w, name, template, who):
    response = as_user(getattr(w, who)).get(_url(w, template))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "template"), SCOPED)
def test_other_centre_admin_gets_404(as_user, w, name, template):
    assert as_user(w.other_centre_admin).get(_url(w, template)).status_code == 404


@pytest.mark.parametrize(("name", "template"), SCOPED[1:])
def test_other_centre_admin_cannot_post(as_user, w, name, template):
    assert as_user(w.other_centre_admin).post(_url(w, template), data={}).status_code == 404


def test_other_centre_admin_cannot_unassign(as_user, w, db):
    from assess.juries.models import Assignment

    a = w.assignments[0]
    url = f"/sessions/{w.session.id}/enrolments/{a.enrolment_id}/assignments/{a.id}/remove"
    assert as_user(w.other_centre_admin).post(url).status_code == 404
    assert as_user(w.jurors[0]).post(url).status_code == 403
    assert db.session.get(Assignment, a.id) is not None


def test_enrolment_of_another_session_is_404(as_user, world, referential_version):
    first = world(candidates=1, jurors=0)
    second = world(candidates=1, jurors=0)
    url = f"/sessions/{first.session.id}/enrolments/{second.enrolments[0].id}/assign"
    assert as_user(first.admin).get(url).status_code == 404


def test_missing_session_is_404(as_user, w):
    assert as_user(w.admin).get("/sessions/999999").status_code == 404


def test_index_lists_only_visible_sessions(as_user, world):
    mine = world(candidates=1, jurors=0)
    theirs = world(candidates=1, jurors=0)
    page = as_user(mine.centre_admin).get("/sessions/").get_data(as_text=True)
    assert mine.session.name in page
    assert theirs.session.name not in page
    page = as_user(mine.admin).get("/sessions/").get_data(as_text=True)
    assert mine.session.name in page and theirs.session.name in page
    assert "Nouvelle session" in page
