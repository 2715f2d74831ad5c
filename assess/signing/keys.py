"""The platform's signing key and certificate.

In production both are configured (``PDF_SIGNING_KEY``, ``PDF_SIGNING_CERT``: PEM files,
``PDF_SIGNING_KEY_PASSWORD`` if the key is encrypted). In the embedded default a
self-signed certificate is generated at first use under the instance folder and reused:
the first process to publish its files wins, every other one reads them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import current_app

DEFAULT_NAME = "assess — plateforme de certification"
_cache: dict[tuple, SigningIdentity] = {}


@dataclass(frozen=True)
class SigningIdentity:
    key_pem: bytes
    cert_pem: bytes
    subject: str  # the certificate's common name
    fingerprint: str  # SHA-256 of the DER certificate, hex
    key_password: bytes | None = None


def platform_identity() -> SigningIdentity:
    config = current_app.config
    key_path, cert_path = config.get("PDF_SIGNING_KEY"), config.get("PDF_SIGNING_CERT")
    password = config.get("PDF_SIGNING_KEY_PASSWORD") or None
    if key_path and cert_path:
        paths = (Path(key_path), Path(cert_path))
    else:
        folder = Path(current_app.instance_path) / "signing"
        paths = (folder / "platform-key.pem", folder / "platform-cert.pem")
        if not paths[1].exists():
            _generate(folder, paths, config.get("PDF_SIGNING_NAME") or DEFAULT_NAME)
            password = None
    cache_key = (str(paths[0]), str(paths[1]), password)
    if cache_key not in _cache:
        cert_pem = paths[1].read_bytes()
        cert = x509.load_pem_x509_certificate(cert_pem)
        name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        _cache[cache_key] = SigningIdentity(
            paths[0].read_bytes(), cert_pem, name[0].value if name else cert.subject.rfc4514_string(),
            hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
            password.encode() if isinstance(password, str) else password)
    return _cache[cache_key]


def clear_cache() -> None:
    _cache.clear()


def self_signed(name: str, years: int = 10) -> tuple[bytes, bytes]:
    """(key PEM, certificate PEM): an ECDSA P-256 key and a certificate naming ``name``,
    for signing documents (digital signature and non-repudiation)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _generate(folder: Path, paths: tuple[Path, Path], name: str) -> None:
    """Write a new pair unless another process published one first. The key is published
    before the certificate (whose presence means "ready"), each by a hard link that fails
    if the file exists, so two processes never end up with two different keys."""
    folder.mkdir(parents=True, exist_ok=True)
    key_pem, cert_pem = self_signed(name)
    for path, data, mode in ((paths[0], key_pem, 0o600), (paths[1], cert_pem, 0o644)):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".new-")
        try:
            os.fchmod(fd, mode)
            os.write(fd, data)
            os.fsync(fd)
            os.close(fd)
            try:
                os.link(tmp, path)
            except FileExistsError:  # another process won: use its files
                _wait_for(paths[1])
                return
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _wait_for(path: Path, seconds: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
