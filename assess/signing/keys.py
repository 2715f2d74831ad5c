"""The platform's signing key and certificate.

In production both are configured (``PDF_SIGNING_KEY``, ``PDF_SIGNING_CERT``: PEM files, the
certificate file possibly followed by its chain; ``PDF_SIGNING_KEY_PASSWORD`` if the key is
encrypted). In the embedded default a self-signed certificate is generated at first use
under ``<instance>/signing/`` and reused. The key is the one thing that must be unique:
it is published by a hard link, which fails if the file exists, so the first process to
publish wins and every other one reads its key. The certificate is then made from that
published key by whoever finds it missing (also first-wins), so any certificate on disk
matches the key, and a process that died between the two files leaves nothing broken.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import current_app

DEFAULT_NAME = "assess — plateforme de certification"
KEY_FILE, CERT_FILE = "platform-key.pem", "platform-cert.pem"
_cache: dict[tuple[str, str], SigningIdentity] = {}


@dataclass(frozen=True)
class SigningIdentity:
    # Always unencrypted PKCS#8 (a configured encrypted key is decrypted at load); kept out
    # of repr so that a logged identity never shows the key.
    key_pem: bytes = field(repr=False)
    cert_pem: bytes  # the signing certificate first, then any chain from the configured file
    subject: str  # the certificate's common name
    fingerprint: str  # SHA-256 of the DER certificate, hex


def platform_identity() -> SigningIdentity:
    """The configured identity, else the one generated under the instance folder."""
    config = current_app.config
    key_path, cert_path = config.get("PDF_SIGNING_KEY"), config.get("PDF_SIGNING_CERT")
    if bool(key_path) != bool(cert_path):
        # Falling back to a generated key would seal with an identity nobody configured.
        raise RuntimeError("PDF_SIGNING_KEY and PDF_SIGNING_CERT must be set together")
    if key_path:
        paths = (Path(key_path), Path(cert_path))
        password = config.get("PDF_SIGNING_KEY_PASSWORD") or None
    else:
        folder = Path(current_app.instance_path) / "signing"
        paths = (folder / KEY_FILE, folder / CERT_FILE)
        password = None
    cache_key = (str(paths[0]), str(paths[1]))
    if cache_key not in _cache:
        if not key_path:
            _ensure_generated(folder, config.get("PDF_SIGNING_NAME") or DEFAULT_NAME)
        _cache[cache_key] = _load(*paths, password)
    return _cache[cache_key]


def clear_cache() -> None:
    _cache.clear()


def self_signed(name: str, years: int = 10) -> tuple[bytes, bytes]:
    """(key PEM, certificate PEM): a new ECDSA P-256 key and its self-signed certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _key_pem(key), _certificate(key, name, years)


def _certificate(key: ec.EllipticCurvePrivateKey, name: str, years: int = 10) -> bytes:
    """A self-signed certificate for signing documents only (not a CA)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))  # tolerate a slightly late clock
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _ensure_generated(folder: Path, name: str) -> None:
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    if cert_path.exists():
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not key_path.exists():
        _publish(key_path, _key_pem(ec.generate_private_key(ec.SECP256R1())), 0o600)
    # Made from the published key, whichever process wrote it.
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    _publish(cert_path, _certificate(key, name), 0o644)


def _publish(path: Path, data: bytes, mode: int) -> bool:
    """Write ``data`` to ``path`` unless it exists; False if another process was first.
    The file appears whole (hard link of a synced temp file), never half-written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".new-")
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        _fsync_dir(path.parent)
        return True
    finally:
        if fd >= 0:
            os.close(fd)
        os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _load(key_path: Path, cert_path: Path, password: str | bytes | None) -> SigningIdentity:
    cert_pem = cert_path.read_bytes()
    cert = x509.load_pem_x509_certificates(cert_pem)[0]
    if isinstance(password, str):
        password = password.encode()
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=password)
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(*spki):
        raise ValueError(f"the key {key_path} does not match the certificate {cert_path}")
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return SigningIdentity(
        _key_pem(key), cert_pem,
        str(names[0].value) if names else cert.subject.rfc4514_string(),
        hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest())
