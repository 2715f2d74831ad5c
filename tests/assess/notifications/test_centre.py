"""The notification centre: every user's own e-mails, read or not, with their links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.core.columns import utcnow
from assess.notifications.models import Notification
from assess.notifications.operations import notify, platform_path
from assess.outbox import relay


def _notify(user, n: int, *, event="results_published", link="/resultats", **kwargs):
    notification = notify(event, user, f"obj:{n}", f"Sujet {n}",
                          f"Bonjour {user.full_name},\n\nLe corps du message {n}.\n",
                          link=link, **kwargs)
    relay.commit()
    return notification


def _page(client, path="/notifications"):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_header_counts_the_unread_ones(make_user, as_user, db):
    user = make_user("candidate")
    client = as_user(user)
    assert "non lue" not in _page(client, "/compte")
    for n in range(3):
        _notify(user, n)
    html = _page(client, "/compte")
    assert 'href="/notifications"' in html
    assert "(3 non lues)" in html and '<span class="badge" aria-hidden="true">3</span>' in html
    client.post(f"/notifications/{db.session.scalars(select(Notification.id)).first()}/lue")
    assert "(2 non lues)" in _page(client, "/compte")


def test_the_header_is_the_same_for_every_role(world, as_user):
    w = world(candidates=1, jurors=1, assign_all=False)
    for user in (w.admin, w.centre_admin, w.jurors[0], w.candidates[0]):
        _notify(user, 1)
        html = _page(as_user(user), "/notifications")
        assert "(1 non lue)" in html and "Sujet 1" in html


def test_anonymous_pages_have_no_count_and_the_centre_needs_a_login(client):
    assert "Notifications" not in client.get("/login").get_data(as_text=True)
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_list_shows_subject_date_excerpt_and_link_newest_first(make_user, as_user, db):
    user = make_user("candidate")
    old = _notify(user, 1, link="/candidat/")
    old.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    new = _notify(user, 2)
    html = _page(as_user(user))
    assert html.index("Sujet 2") < html.index("Sujet 1")
    assert "Le corps du message 2." in html and "Bonjour" not in html  # the excerpt
    assert f'href="/notifications/{new.id}"' in html and f'href="/notifications/{old.id}"' in html
    assert html.count("Non lue") == 2
    assert "/compte/notifications" in html


def test_other_users_notifications_are_not_listed_nor_reachable(make_user, as_user, db):
    me, other = make_user("juror"), make_user("juror")
    theirs = _notify(other, 1)
    client = as_user(me)
    assert "Sujet 1" not in _page(client)
    assert client.get(f"/notifications/{theirs.id}").status_code == 404
    assert client.post(f"/notifications/{theirs.id}/lue").status_code == 404
    assert client.post("/notifications/999999/lue").status_code == 404
    client.post("/notifications/tout-lu")
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_mark_one_read(make_user, as_user, db):
    user = make_user("candidate")
    first, second = _notify(user, 1), _notify(user, 2)
    response = as_user(user).post(f"/notifications/{first.id}/lue")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at is not None
    assert db.session.get(Notification, second.id).read_at is None


def test_mark_all_read(make_user, as_user, db):
    user = make_user("candidate")
    for n in range(4):
        _notify(user, n)
    client = as_user(user)
    assert client.post("/notifications/tout-lu").status_code == 302
    db.session.expire_all()
    assert all(n.read_at is not None for n in db.session.scalars(select(Notification)))
    html = _page(client)
    assert "non lue" not in html and "Non lue" not in html and "Tout marquer" not in html


def test_opening_one_marks_it_read_and_goes_to_its_page(app, make_user, as_user, db):
    user = make_user("juror")
    base = app.config["BASE_URL"].rstrip("/")
    n = _notify(user, 1, event="assignments", link=base + "/jury/")  # as the e-mails write it
    assert n.link == "/jury/"
    response = as_user(user).get(f"/notifications/{n.id}")
    assert response.status_code == 302 and response.headers["Location"] == n.link
    db.session.expire_all()
    assert db.session.get(Notification, n.id).read_at is not None


def test_opening_one_without_link_shows_the_whole_message(make_user, as_user, db):
    user = make_user("candidate")
    n = _notify(user, 1, link=None)
    html = _page(as_user(user), f"/notifications/{n.id}")
    assert "Sujet 1" in html and "Bonjour" in html and "Le corps du message 1.<br>" in html
    db.session.expire_all()
    assert db.session.get(Notification, n.id).read_at is not None


def test_a_link_must_stay_on_the_platform(app):
    base = app.config["BASE_URL"].rstrip("/")
    assert platform_path(base + "/resultats") == "/resultats"
    assert platform_path("/candidat/") == "/candidat/"
    for bad in ("https://evil.example/", "//evil.example/", "jury/", "/\\evil"):
        with pytest.raises(ValueError):
            platform_path(bad)


def test_security_messages_stay_out_of_the_centre(make_user, as_user):
    # They carry a one-time link: a borrowed session must not read a reset link.
    user = make_user("candidate")
    secret = _notify(user, 1, event="password_reset", link=None)
    client = as_user(user)
    html = _page(client)
    assert "Sujet 1" not in html and "non lue" not in html
    assert client.get(f"/notifications/{secret.id}").status_code == 404


def test_pages_beyond_thirty(make_user, as_user):
    user = make_user("candidate")
    for n in range(31):
        _notify(user, n)
    client = as_user(user)
    first = _page(client)
    assert len(re.findall(r'href="/notifications/\d+"', first)) == 30
    assert "Page 1 sur 2" in first and "?page=2" in first
    second = _page(client, "/notifications?page=2")
    assert len(re.findall(r'href="/notifications/\d+"', second)) == 1


def test_the_centre_runs_a_fixed_number_of_statements(make_user, as_user, count_queries):
    user = make_user("juror")
    client = as_user(user)
    seen = []
    for upto in (3, 60):
        for i in range(len(seen) and 3, upto):
            _notify(user, i)
        with count_queries() as statements:
            assert _page(client).count('href="/notifications/') >= min(upto, 30)
        seen.append(len(statements))
    assert seen[0] == seen[1]


def test_the_header_count_is_one_statement(make_user, as_user, count_queries):
    user = make_user("candidate")
    for i in range(5):
        _notify(user, i)
    client = as_user(user)
    with count_queries() as statements:
        _page(client, "/compte")
    assert sum("count(" in s.lower() and "notifications" in s for s in statements) == 1


def test_a_page_rendered_outside_a_request_has_no_count(app):
    from flask import render_template_string

    html = render_template_string("{{ unread_notifications() }}")
    assert html == "None"


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_marking_read_needs_the_token(self, make_user, as_user, db):
        user = make_user("candidate")
        n = _notify(user, 1)
        client = as_user(user)
        assert client.post(f"/notifications/{n.id}/lue").status_code == 400
        assert client.post("/notifications/tout-lu").status_code == 400
        db.session.expire_all()
        assert db.session.get(Notification, n.id).read_at is None
        html = _page(client)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        assert client.post(f"/notifications/{n.id}/lue",
                           data={"csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert db.session.get(Notification, n.id).read_at is not None


def test_english_rendering(make_user, as_user):
    from flask_babel import force_locale, gettext

    with force_locale("en"):
        if gettext("Tout marquer comme lu") == "Tout marquer comme lu":
            pytest.skip("the English catalogue does not have the centre's texts yet")
    user = make_user("candidate", locale="en")
    _notify(user, 1)
    html = _page(as_user(user))
    assert '<html lang="en"' in html
    assert "Mark all as read" in html and "(1 unread)" in html and "Unread" in html
    assert "Tout marquer comme lu" not in html and "non lue" not in html
