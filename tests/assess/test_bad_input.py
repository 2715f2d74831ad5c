"""Defect: NUL bytes, control characters and ids beyond the database's integers answered
500 (PostgreSQL refuses a NUL; « integer out of range »), and dates in year 1 overflowed.
Every form of the app is found on its page and each of its fields fed bad text; every route
with an id is fed ids too large; on SQLite and PostgreSQL: 0 × 500, and every answer is the
app's own page with its security headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import signed_in_cookie_id

BAD_TEXT = {
    "nul": "abc\x00def",
    "control": "a\x01b\x1bc\x7f",
    "spaces only": "   \t  ",
    "100,000 characters": "x" * 100_000,
}
HUGE_IDS = (2**31, 2**63, 10**30)
SKIPPED_ACTIONS = ("/logout", "/compte/deconnexion-partout")  # no field to feed


@pytest.fixture
def app_config(both_databases):
    return both_databases


class FormsParser(HTMLParser):
    """Every POST form of a page: its action and its fields with their current values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action"), "fields": {}, "kinds": {}}
            self.forms.append(self._form)
        if self._form is None or "name" not in a and tag != "option":
            return
        fields, kinds = self._form["fields"], self._form["kinds"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            kinds[a["name"]] = kind
            fields.setdefault(a["name"], [])
            if kind not in ("radio", "checkbox") or "checked" in a:
                fields[a["name"]].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            kinds[a["name"]], fields[a["name"]] = "textarea", [""]
        elif tag == "select":
            self._select = a["name"]
            kinds[a["name"]], fields[a["name"]] = "select", []
        elif tag == "option" and self._select:
            if "selected" in a or not fields[self._select]:
                fields[self._select] = [a.get("value", "")] if "selected" in a or \
                    not fields[self._select] else fields[self._select]

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] = [data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _forms(html: str) -> list[dict]:
    parser = FormsParser()
    parser.feed(html)
    return parser.forms


def _pages(w, db):
    """(user or None, page) of every form of the app, in a world made for them."""
    from assess.accounts.tokens import INVITATION, PASSWORD_RESET, make_token
    from tests.factories import create_user

    invited = create_user("juror", password=None)
    db.session.commit()
    grading = w.assignments[0]
    return [
        (None, "/login"),
        (None, "/password/forgot"),
        (None, f"/invitation/{make_token(invited, INVITATION)}"),
        (None, f"/password/reset/{make_token(w.jurors[1], PASSWORD_RESET)}"),
        (w.admin, "/sessions/new"),
        (w.admin, f"/sessions/{w.session.id}/exams"),
        (w.admin, f"/sessions/{w.session.id}/enrol"),
        (w.admin, "/sessions/jurors/new"),
        (w.admin, f"/sessions/{w.session.id}/enrolments/{w.enrolments[0].id}/assign"),
        (w.admin, "/centres/new"),
        (w.admin, f"/centres/{w.centre.id}"),
        (w.admin, "/compte"),
        (w.admin, f"/sessions/{w.session.id}/jury/modifier"),
        (w.admin, f"/sessions/{w.session.id}/jury"),
        (w.admin, f"/sessions/{w.session.id}/conflits"),
        (w.admin, f"/sessions/{w.session.id}/repartition"),
        (w.admin, f"/jurys/membres/{w.jurors[0].id}"),
        (w.jurors[0], "/jury/profil"),
        (w.jurors[0], "/jury/conflits"),
        (w.jurors[0], f"/jury/evaluations/{grading.id}"),
        (w.candidates[0], "/candidat/"),
    ]


def _client_for(app, user):
    from tests.conftest import FreshUserClient

    app.test_client_class = FreshUserClient  # requests share the test's app context
    client = app.test_client()
    if user is not None:
        cookie_id = signed_in_cookie_id(user)
        with client.session_transaction() as sess:
            sess["_user_id"], sess["_fresh"] = cookie_id, True
    return client


def _assert_app_answered(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    assert "Content-Security-Policy" in response.headers, what


def test_every_form_field_fed_bad_text_never_gives_a_500(app, db, world):
    w = world(candidates=2, jurors=2)
    posts = 0
    for user, page in _pages(w, db):
        client = _client_for(app, user)
        got = client.get(page)
        forms = [f for f in _forms(got.get_data(as_text=True))
                 if not (f["action"] or "").endswith(SKIPPED_ACTIONS)]
        assert forms, f"no form found on {page} ({got.status_code} {got.location})"
        for form in forms:
            action = form["action"] or page
            for name in form["fields"]:
                for label, value in BAD_TEXT.items():
                    data = {**form["fields"], name: [value]}
                    response = client.post(action, data=data)
                    _assert_app_answered(response, f"{action} {name}={label}")
                    posts += 1
    print(f"\n{posts} posts of bad text: 0 × 5xx")
    assert posts > 200


@pytest.mark.parametrize("value", ["abc\x00", " \x01 ", "   "])
def test_a_refused_text_is_explained_and_the_typing_kept(app, db, world, value):
    from tests.assess.grading.grading_helpers import form_data, sheet_url

    w = world(candidates=1, jurors=1)
    client = _client_for(app, w.jurors[0])
    a = w.assignments[0]
    data = form_data(a, observations={"CR1.1": "Une observation soignée."})
    data[next(k for k in data if k.startswith("evidence_"))] = value
    response = client.post(sheet_url(a), data=data)
    page = response.get_data(as_text=True)
    if not value.strip():  # spaces only: an empty optional field, accepted
        assert response.status_code == 302
        return
    assert response.status_code == 422 and "caractère invisible" in page
    assert "Une observation soignée." in page


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            method = "GET" if "GET" in rule.methods else "POST"
            yield rule.rule, method


def test_every_id_beyond_the_databases_integers_is_not_found(app, db, world):
    w = world(candidates=1, jurors=1)
    clients = {"anonymous": _client_for(app, None)} | {
        role: _client_for(app, user) for role, user in (
            ("admin", w.admin), ("juror", w.jurors[0]), ("candidate", w.candidates[0]))}
    checked = 0
    for rule, method in _id_routes(app):
        for huge in HUGE_IDS:
            url = re.sub(r"<int:\w+>", str(huge), rule)
            for role, client in clients.items():
                response = client.open(url, method=method)
                assert response.status_code == 404, f"{role} {method} {url}"
                assert "Content-Security-Policy" in response.headers
                checked += 1
    assert checked >= 60


def test_the_largest_id_the_database_holds_is_looked_up_not_refused(app, db, world):
    w = world(candidates=1)
    response = _client_for(app, w.admin).get(f"/sessions/{2**31 - 1}")
    assert response.status_code == 404  # looked up, and not there


def test_a_date_in_year_1_is_refused_with_a_message(app, db, world):
    w = world(candidates=0, jurors=0)
    part = w.session.exams[0].parts[0]
    client = _client_for(app, w.admin)
    response = client.post(f"/sessions/{w.session.id}/exams", data={
        f"p{p.id}_{k}": v for p in (x for e in w.session.exams for x in e.parts)
        for k, v in (("starts_at", "0001-01-01T09:00" if p.id == part.id else ""),
                     ("duration", "60"), ("place", "Salle"),
                     ("deadline", "2030-01-01T10:00"))})
    assert response.status_code == 200
    assert "entre 1900 et 2100" in response.get_data(as_text=True)
