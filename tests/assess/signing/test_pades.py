"""The platform's seal: a PAdES signature any change breaks, made with a key generated
once (or the configured one), checked against the platform's certificate."""

from __future__ import annotations

import io
import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText

from assess.signing import keys
from assess.signing.pades import seal_pdf, verify_pdf


@pytest.fixture
def pdf(app):
    from weasyprint import HTML

    return HTML(string="<h1>Procès-verbal</h1><p>Le jury a délibéré.</p>").write_pdf()


@pytest.fixture(autouse=True)
def fresh_keys():
    keys.clear_cache()
    yield
    keys.clear_cache()


def signing_dir(app) -> Path:
    return Path(app.instance_path) / "signing"


def pypdf_update(sealed: bytes, change) -> bytes:
    writer = PdfWriter(io.BytesIO(sealed), incremental=True)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_sealed_pdf_verifies_and_still_reads(pdf):
    sealed = seal_pdf(pdf, reason="Procès-verbal du jury", location="Lille")
    assert sealed.startswith(pdf)  # an incremental update: the original bytes are kept
    verdict = verify_pdf(sealed)
    assert verdict.valid and verdict.problem is None
    assert verdict.signer == keys.DEFAULT_NAME
    assert abs(verdict.signed_at - datetime.now(UTC)) < timedelta(minutes=2)
    reader = PdfReader(io.BytesIO(sealed))
    assert "Le jury a délibéré." in reader.pages[0].extract_text()
    widget = next(a.get_object() for a in reader.pages[0]["/Annots"]
                  if a.get_object().get("/T") == "Sceau")
    signature = widget["/V"].get_object()
    assert widget["/FT"] == "/Sig" and signature["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature["/Reason"] == "Procès-verbal du jury" and signature["/Location"] == "Lille"
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0]  # invisible


def test_one_byte_changed_in_the_signed_range_breaks_it(pdf):
    sealed = bytearray(seal_pdf(pdf, reason="PV"))
    # Inside the first stream's data: signed, far from the signature's /Contents (appended
    # after the original bytes), and the file still parses.
    at = pdf.index(b"stream\n") + len(b"stream\n") + 3
    assert at < len(pdf) // 2
    sealed[at] ^= 0x01
    verdict = verify_pdf(bytes(sealed))
    assert verdict.signed and not verdict.intact and not verdict.valid
    assert "modifié" in verdict.problem


@pytest.mark.parametrize("change", [
    # pyHanko itself flags an annotation added after signing (modification level OTHER).
    lambda w: w.add_annotation(0, FreeText(text="Admis", rect=(50, 50, 200, 100))),
    # A new title only: pyHanko counts that as a harmless update (its bottom_line stays
    # True); the seal does not, since the signature no longer covers the whole file.
    lambda w: w.add_metadata({"/Title": "Un autre PV"}),
], ids=["annotation", "metadata"])
def test_an_update_after_the_seal_is_reported(pdf, change):
    sealed = seal_pdf(pdf, reason="PV")
    updated = pypdf_update(sealed, change)
    assert updated.startswith(sealed) and len(updated) > len(sealed)
    verdict = verify_pdf(updated)
    assert verdict.signed and verdict.trusted  # the signed bytes themselves are untouched
    assert not verdict.intact and not verdict.valid and "modifié" in verdict.problem


def test_bytes_appended_after_the_seal_are_reported(pdf):
    verdict = verify_pdf(seal_pdf(pdf, reason="PV") + b"%\n")
    assert verdict.signed and not verdict.intact and not verdict.valid


def test_another_key_is_intact_but_not_trusted_even_under_the_platform_name(pdf):
    key_pem, cert_pem = keys.self_signed(keys.DEFAULT_NAME)  # an impostor's own pair
    impostor = keys.SigningIdentity(key_pem, cert_pem, keys.DEFAULT_NAME, "")
    verdict = verify_pdf(seal_pdf(pdf, reason="PV", identity=impostor))
    assert verdict.signed and verdict.intact and not verdict.trusted and not verdict.valid
    assert verdict.signer == keys.DEFAULT_NAME
    assert "pas par cette plateforme" in verdict.problem


@pytest.mark.parametrize("junk", [b"", b"garbage", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"])
def test_garbage_is_answered_not_raised(app, junk):
    verdict = verify_pdf(junk)
    assert (verdict.signed, verdict.intact, verdict.valid) == (False, False, False)
    assert verdict.problem


def test_an_unsigned_pdf_is_not_signed(app, pdf):
    verdict = verify_pdf(pdf)
    assert not verdict.signed and not verdict.valid and "aucune signature" in verdict.problem
    assert not signing_dir(app).exists()  # checking creates no key


def test_a_truncated_seal_is_answered_not_raised(pdf):
    sealed = seal_pdf(pdf, reason="PV")
    for cut in (len(pdf) // 2, len(sealed) // 2, len(sealed) - 200, len(sealed) - 1):
        verdict = verify_pdf(sealed[:cut])
        assert not verdict.intact and not verdict.valid and verdict.problem, cut


def test_the_identity_is_generated_once_and_kept_private(app):
    app.config["PDF_SIGNING_NAME"] = "Certificateur de test"
    first = keys.platform_identity()
    assert keys.platform_identity() is first
    keys.clear_cache()
    assert keys.platform_identity().fingerprint == first.fingerprint  # read back, not made anew
    folder = signing_dir(app)
    assert sorted(p.name for p in folder.iterdir()) == [keys.CERT_FILE, keys.KEY_FILE]
    assert stat.S_IMODE(os.stat(folder / keys.KEY_FILE).st_mode) == 0o600
    assert "PRIVATE KEY" not in repr(first)
    cert = x509.load_pem_x509_certificate(first.cert_pem)
    assert first.subject == "Certificateur de test"
    assert first.fingerprint == cert.fingerprint(hashes.SHA256()).hex()
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.not_valid_after_utc - cert.not_valid_before_utc > timedelta(days=3650)


def test_the_first_pair_published_wins(app, monkeypatch):
    """Another process publishes its key, then its certificate, just before this one does:
    this one uses the other's files, and leaves no temporary file behind."""
    folder = signing_dir(app)
    rival_key_pem, _ = keys.self_signed("x")
    rival_key = serialization.load_pem_private_key(rival_key_pem, password=None)
    rival = {keys.KEY_FILE: rival_key_pem,
             keys.CERT_FILE: keys._certificate(rival_key, keys.DEFAULT_NAME)}
    publish, outcomes = keys._publish, []

    def rival_first(path, data, mode):
        assert publish(path, rival[path.name], mode)
        outcomes.append(publish(path, data, mode))
        return outcomes[-1]

    monkeypatch.setattr(keys, "_publish", rival_first)
    identity = keys.platform_identity()
    assert outcomes == [False, False]
    assert identity.cert_pem == rival[keys.CERT_FILE]
    assert identity.key_pem == rival_key_pem
    assert sorted(p.name for p in folder.iterdir()) == [keys.CERT_FILE, keys.KEY_FILE]


def test_concurrent_first_uses_share_one_key(app):
    folder, barrier, identities = signing_dir(app), threading.Barrier(8), []

    def first_use():
        barrier.wait()
        keys._ensure_generated(folder, "x")
        identities.append(keys._load(folder / keys.KEY_FILE, folder / keys.CERT_FILE, None))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(identities) == 8 and len({i.fingerprint for i in identities}) == 1


def test_a_key_left_without_its_certificate_gets_one(app, pdf):
    first = keys.platform_identity()
    (signing_dir(app) / keys.CERT_FILE).unlink()  # a process died between the two files
    keys.clear_cache()
    again = keys.platform_identity()
    assert again.key_pem == first.key_pem
    assert verify_pdf(seal_pdf(pdf, reason="PV")).valid


def test_a_configured_encrypted_key_and_certificate_are_used(app, tmp_path, pdf):
    key_pem, cert_pem = keys.self_signed("Certificateur SA")
    key = serialization.load_pem_private_key(key_pem, password=None)
    (tmp_path / "k.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret")))
    (tmp_path / "c.pem").write_bytes(cert_pem)
    app.config.update(PDF_SIGNING_KEY=str(tmp_path / "k.pem"),
                      PDF_SIGNING_CERT=str(tmp_path / "c.pem"), PDF_SIGNING_KEY_PASSWORD="secret")
    identity = keys.platform_identity()
    assert identity.subject == "Certificateur SA" and identity.cert_pem == cert_pem
    verdict = verify_pdf(seal_pdf(pdf, reason="PV"))
    assert verdict.valid and verdict.signer == "Certificateur SA"
    assert not signing_dir(app).exists()  # nothing generated


def test_a_half_or_mismatched_configuration_is_refused(app, tmp_path):
    key_pem, _ = keys.self_signed("A")
    _, other_cert_pem = keys.self_signed("B")
    (tmp_path / "k.pem").write_bytes(key_pem)
    (tmp_path / "c.pem").write_bytes(other_cert_pem)
    app.config["PDF_SIGNING_KEY"] = str(tmp_path / "k.pem")
    with pytest.raises(RuntimeError, match="set together"):
        keys.platform_identity()
    app.config["PDF_SIGNING_CERT"] = str(tmp_path / "c.pem")
    with pytest.raises(ValueError, match="does not match"):
        keys.platform_identity()
    assert not signing_dir(app).exists()


def _issued(name: str, issuer_key, issuer_name: str, ca: bool = False):
    """(key, certificate PEM) issued by ``issuer_key`` (None: self-signed)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key, now = ec.generate_private_key(ec.SECP256R1()), datetime.now(UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                (issuer_key or key).public_key()), False)
            .sign(issuer_key or key, hashes.SHA256()))
    return key, cert.public_bytes(serialization.Encoding.PEM)


def test_a_configured_chain_is_embedded_but_only_the_platform_certificate_trusted(
        app, tmp_path, pdf):
    ca_key, ca_pem = _issued("AC", None, "AC", ca=True)
    key, leaf_pem = _issued("Plateforme", ca_key, "AC")
    (tmp_path / "k.pem").write_bytes(keys._key_pem(key))
    (tmp_path / "c.pem").write_bytes(leaf_pem + ca_pem)  # the certificate, then its chain
    app.config.update(PDF_SIGNING_KEY=str(tmp_path / "k.pem"),
                      PDF_SIGNING_CERT=str(tmp_path / "c.pem"))
    sealed = seal_pdf(pdf, reason="PV")
    assert verify_pdf(sealed).valid and verify_pdf(sealed).signer == "Plateforme"
    ca_der = x509.load_pem_x509_certificate(ca_pem).public_bytes(serialization.Encoding.DER)
    assert ca_der.hex().encode() in sealed.lower()  # in the /Contents hex, for PDF readers
    # Another certificate from the same CA is not the platform's.
    other_key, other_pem = _issued("Plateforme", ca_key, "AC")
    other = keys.SigningIdentity(keys._key_pem(other_key), other_pem + ca_pem, "Plateforme", "")
    verdict = verify_pdf(seal_pdf(pdf, reason="PV", identity=other))
    assert verdict.intact and not verdict.trusted and not verdict.valid


def test_verification_works_from_inside_an_event_loop(pdf):
    import asyncio

    sealed = seal_pdf(pdf, reason="PV")

    async def check():
        return verify_pdf(sealed)

    assert asyncio.run(check()).valid
