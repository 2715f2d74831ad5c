"""Error pages: French text, a view's own explanation kept, Werkzeug's English never shown."""

import html

import pytest
from flask import abort, request


@pytest.fixture
def failing(app):
    @app.get("/_test/fail/<kind>")
    def fail(kind):
        if kind == "own":
            abort(409, "La grille a été soumise par un autre juré : rechargez-la.")
        if kind == "missing-key":
            return request.form["absent"]
        abort(int(kind))

    return app.test_client()


@pytest.mark.parametrize(("path", "status", "text"), [
    ("403", 403, "Vous n'avez pas accès à cette page avec ce compte."),
    ("404", 404, "Cette page n'existe pas ou ne vous est pas accessible."),
    ("400", 400, "La requête n'a pas pu être comprise."),
    ("missing-key", 400, "La requête n'a pas pu être comprise."),
    ("own", 409, "La grille a été soumise par un autre juré : rechargez-la."),
])
def test_error_page_explains_in_french(app, failing, path, status, text):
    for debug in (False, True):  # debug mode adds the missing key to Werkzeug's text
        app.debug = debug
        response = failing.get(f"/_test/fail/{path}")
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == status
        assert text in page
        assert "The browser" not in page and "You don" not in page
