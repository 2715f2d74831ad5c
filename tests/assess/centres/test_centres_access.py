"""Every centre route: anonymous → login, any role but certifier admin → 403, certifier → OK."""

from __future__ import annotations

import pytest

GETS = [("index", "/centres/"), ("create", "/centres/new"), ("show", "/centres/{cid}")]
POSTS = [("create", "/centres/new"), ("invite_admin", "/centres/{cid}/admins"),
         ("reinvite", "/centres/{cid}/admins/{uid}/reinvite")]
ROUTES = [("GET", *r) for r in GETS] + [("POST", *r) for r in POSTS]
WRONG_ROLES = ["centre_admin", "other_centre_admin", "juror", "candidate"]


def _url(w, pending, template):
    return template.format(cid=w.centre.id, uid=pending.id)


def _who(w, who):
    return {"juror": w.jurors[0], "candidate": w.candidates[0]}.get(who) or getattr(w, who)


@pytest.mark.parametrize(("method", "name", "template"), ROUTES)
def test_anonymous_is_sent_to_login(client, w, pending_admin, method, name, template):
    response = client.open(_url(w, pending_admin, template), method=method)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "name", "template"), ROUTES)
@pytest.mark.parametrize("who", WRONG_ROLES)
def test_other_roles_are_refused(as_user, w, pending_admin, mail_outbox, method, name,
                                 template, who):
    client = as_user(_who(w, who))
    data = {"name": "Intrus", "first_name": "A", "last_name": "B",
            "email": "intrus@example.org"}
    response = client.open(_url(w, pending_admin, template), method=method, data=data)
    assert response.status_code == 403
    assert mail_outbox == []


@pytest.mark.parametrize(("name", "template"), GETS)
def test_certifier_admin_reaches_every_page(as_user, w, pending_admin, name, template):
    assert as_user(w.admin).get(_url(w, pending_admin, template)).status_code == 200


@pytest.mark.parametrize("template", ["/centres/999999", "/centres/999999/admins",
                                      "/centres/999999/admins/{uid}/reinvite"])
def test_missing_centre_is_404(as_user, w, pending_admin, template):
    client = as_user(w.admin)
    method = "GET" if template == "/centres/999999" else "POST"
    assert client.open(_url(w, pending_admin, template), method=method).status_code == 404


def test_reinvite_someone_not_admin_of_this_centre_is_404(as_user, w, pending_admin,
                                                           mail_outbox):
    client = as_user(w.admin)
    # an admin of another centre, a candidate of this centre, an unknown id
    for cid, uid in [(w.other_centre.id, pending_admin.id), (w.centre.id, w.candidates[0].id),
                     (w.centre.id, w.other_centre_admin.id), (w.centre.id, 999999)]:
        response = client.post(f"/centres/{cid}/admins/{uid}/reinvite")
        assert response.status_code == 404, (cid, uid)
    assert mail_outbox == []


def test_nav_shows_centres_only_to_the_certifier_admin(as_user, w):
    page = as_user(w.admin).get("/sessions/").get_data(as_text=True)
    assert 'href="/centres/"' in page
    page = as_user(w.centre_admin).get("/sessions/").get_data(as_text=True)
    assert 'href="/centres/"' not in page
