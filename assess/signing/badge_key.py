"""The platform's Ed25519 key for the Open Badges credentials (VC-JWT, alg EdDSA).

Configured with ``BADGE_SIGNING_KEY`` (a PEM file, PKCS#8), else generated at first use
under ``<instance>/signing/`` and reused, published first-wins exactly as the PDF seal's
key is (``keys._publish``). Its public half is published as a JWKS at
``/.well-known/jwks.json``; ``kid`` is its RFC 7638 thumbprint.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask import current_app

from .keys import _publish

KEY_FILE = "badge-ed25519.pem"
_cache: dict[str, BadgeKey] = {}


@dataclass(frozen=True)
class BadgeKey:
    private_key: Ed25519PrivateKey = field(repr=False)
    kid: str

    @property
    def public_jwk(self) -> dict:
        return {**_public_members(self.private_key.public_key()), "kid": self.kid,
                "use": "sig", "alg": "EdDSA"}


def badge_key() -> BadgeKey:
    """The configured key, else the one generated under the instance folder."""
    configured = current_app.config.get("BADGE_SIGNING_KEY")
    path = Path(configured) if configured else (
        Path(current_app.instance_path) / "signing" / KEY_FILE)
    cache_key = str(path)
    if cache_key not in _cache:
        if not configured and not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())
            _publish(path, pem, 0o600)  # another process may have been first: read it
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        _cache[cache_key] = BadgeKey(key, thumbprint(key.public_key()))
    return _cache[cache_key]


def jwks() -> dict:
    """The JWK Set the platform publishes: the key that signs its badges."""
    return {"keys": [badge_key().public_jwk]}


def thumbprint(public_key: Ed25519PublicKey) -> str:
    """RFC 7638: SHA-256 of the required members, in lexical order, without spaces."""
    members = json.dumps(_public_members(public_key), sort_keys=True, separators=(",", ":"))
    return _b64url(hashlib.sha256(members.encode()).digest())


def clear_cache() -> None:
    _cache.clear()


def _public_members(public_key: Ed25519PublicKey) -> dict:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw)}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
