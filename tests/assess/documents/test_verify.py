"""The public verification page: authentic or revoked, what the document attests and
nothing more about the person; any other code is « document inconnu » (404)."""

from __future__ import annotations

import pytest

from assess.documents.codes import grouped, new_code


@pytest.fixture
def one(db, issued, documents_of):
    """(world, the first candidate's attestation of bloc 1, their certificate)."""
    d = issued(candidates=1)
    documents = documents_of(d.w.enrolments[0])
    return d.w, documents[1], documents[0]


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_anyone_sees_an_authentic_document_and_nothing_more(db, one, client):
    w, attestation, _certificate = one
    response = client.get(f"/verify/{attestation.code}")
    assert response.status_code == 200
    page = _text(response)
    f = attestation.facts
    assert "Authentique" in page
    for shown in (f["holder_name"], f["certification_title"], "RNCP12345",
                  f["blocs"][0]["title"], "Certificateur Exemple", attestation.sha256,
                  grouped(attestation.code)):
        assert shown in page
    assert "jusqu&#39;au" in page or "jusqu'au" in page  # the validity
    # Nothing else about the person: no e-mail, session, centre, other results.
    candidate = w.candidates[0]
    for hidden in (candidate.email, w.session.name, w.centre.name, "Observation",
                   "non acquis"):
        assert hidden not in page
    assert response.headers["X-Robots-Tag"].startswith("noindex")


def test_the_certificate_lists_the_blocs_of_the_title(db, one, client):
    _w, _attestation, certificate = one
    page = _text(client.get(f"/verify/{certificate.code}"))
    for b in certificate.facts["blocs"]:
        assert b["title"] in page
    assert "titre acquis définitivement" in page


def test_a_code_as_printed_or_typed_is_found(db, one, client):
    _w, attestation, _c = one
    for typed in (grouped(attestation.code), attestation.code.lower(),
                  " ".join(grouped(attestation.code).split("-"))):
        assert client.get(f"/verify/{typed}").status_code == 200


@pytest.mark.parametrize("code", [
    "forged",  # replaced below by a well-formed code nobody was given
    "truncated",
    "' OR '1'='1",
    "1; DROP TABLE issued_documents; --",
    "%27%20OR%201%3D1--",
    "A" * 500,
    "../../etc/passwd",
    "x/y",
])
def test_any_other_code_is_an_unknown_document(db, one, client, code):
    _w, attestation, _c = one
    if code == "forged":
        code = new_code()
    elif code == "truncated":
        code = attestation.code[:-1]
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    page = _text(response)
    assert "Document inconnu" in page
    assert attestation.facts["holder_name"] not in page


def test_a_revoked_document_says_so_with_the_date(db, one, client, as_user):
    from assess.i18n import day

    w, attestation, _c = one
    as_user(w.admin)
    assert client.post(f"/documents/{attestation.id}/revoquer",
                       data={"reason": "Erreur matérielle sur le nom."}).status_code == 302
    client.get("/logout")
    response = client.get(f"/verify/{attestation.code}")
    assert response.status_code == 200
    page = _text(response)
    db.session.refresh(attestation)
    assert "Révoqué" in page and day(attestation.revoked_at) in page
    assert "Authentique" not in page
    assert "Erreur matérielle" not in page  # the reason is the certifier's, not public


def test_the_badge_key_set_is_public(db, client):
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.get_json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519"
    assert "d" not in keys[0]  # never the private part
