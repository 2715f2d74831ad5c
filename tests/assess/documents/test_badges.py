"""Each document is also an Open Badges 3.0 credential signed as a VC-JWT (EdDSA): its
signature checks with the key the platform publishes, by an independent library call."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@pytest.fixture
def badges(db, issued, documents_of, client, as_user):
    """{kind: (document, JWT downloaded by its holder)} and the published JWK Set."""
    d = issued(candidates=1)
    documents = documents_of(d.w.enrolments[0])
    jwks = client.get("/.well-known/jwks.json").get_json()
    as_user(d.w.candidates[0])
    out = {}
    for document in documents[:2]:  # the certificate, the attestation of bloc 1
        response = client.get(f"/documents/{document.id}/badge.jwt")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        out[str(document.kind)] = (document, response.get_data(as_text=True))
    return out, jwks


def _verified(token: str, jwks: dict) -> tuple[dict, dict]:
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_b64(header_b64))
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public = Ed25519PublicKey.from_public_bytes(_b64(key["x"]))
    # Raises InvalidSignature unless the platform's key signed exactly these bytes.
    public.verify(_b64(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"))
    return header, json.loads(_b64(payload_b64))


def test_the_badge_is_signed_by_the_published_key(db, badges):
    out, jwks = badges
    for _document, token in out.values():
        header, _payload = _verified(token, jwks)
        assert header["alg"] == "EdDSA" and header["kid"]


def test_a_tampered_badge_fails_the_check(db, badges):
    out, jwks = badges
    _document, token = out["bloc_attestation"]
    header_b64, payload_b64, signature_b64 = token.split(".")
    payload = json.loads(_b64(payload_b64))
    payload["credentialSubject"]["achievement"]["name"] = "Bloc inventé"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        _verified(f"{header_b64}.{forged}.{signature_b64}", jwks)


def test_the_credential_has_the_open_badges_3_fields(db, badges):
    out, jwks = badges
    document, token = out["bloc_attestation"]
    _header, vc = _verified(token, jwks)
    assert vc["@context"] == ["https://www.w3.org/ns/credentials/v2",
                              "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["id"] == document.facts["verify_url"] == vc["jti"]
    issuer = vc["issuer"]
    assert issuer["id"] and issuer["type"] == ["Profile"]
    assert issuer["name"] == "Certificateur Exemple" and vc["iss"] == issuer["id"]
    assert vc["validFrom"] == document.issued_at.isoformat() + "Z"
    assert vc["validUntil"] == document.valid_until.isoformat() + "T23:59:59Z"
    assert vc["name"]
    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityHash"] == document.facts["holder_name"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    for required in ("id", "name", "description"):
        assert achievement[required]
    assert achievement["criteria"]["narrative"]
    bloc = document.facts["blocs"][0]
    assert bloc["title"] in achievement["name"]
    assert all(c["text"] in achievement["criteria"]["narrative"] for c in bloc["competences"])
    assert vc["nbf"] <= vc["exp"]


def test_the_certificate_has_no_end_of_validity(db, badges):
    out, jwks = badges
    _document, token = out["certificate"]
    _header, vc = _verified(token, jwks)
    assert "validUntil" not in vc and "exp" not in vc
    assert vc["credentialSubject"]["achievement"]["achievementType"] == "Certification"


def test_the_badge_key_is_made_once_and_kept(db, app):
    from pathlib import Path

    from assess.signing import badge_key

    first = badge_key.badge_key()
    badge_key.clear_cache()
    again = badge_key.badge_key()
    assert first.kid == again.kid
    path = Path(app.instance_path) / "signing" / badge_key.KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
