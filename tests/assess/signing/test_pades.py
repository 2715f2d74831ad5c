"""The platform's seal: a PAdES signature any change breaks, made with a key generated
once (or the configured one), checked against the platform's certificate."""

from __future__ import annotations

import io
import os
import stat

import pytest
from pypdf import PdfReader

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


def test_a_sealed_pdf_verifies_and_still_reads(pdf):
    sealed = seal_pdf(pdf, reason="PV", location="Lille")
    verdict = verify_pdf(sealed)
    assert verdict.valid and verdict.problem is None
    assert verdict.signer == keys.DEFAULT_NAME and verdict.signed_at is not None
    assert "Le jury a délibéré." in PdfReader(io.BytesIO(sealed)).pages[0].extract_text()


def test_one_byte_changed_in_the_signed_range_breaks_it(pdf):
    sealed = bytearray(seal_pdf(pdf, reason="PV"))
    at = len(pdf) // 2  # inside the original document, far from the signature's /Contents
    sealed[at] ^= 0x01
    verdict = verify_pdf(bytes(sealed))
    assert verdict.signed and not verdict.intact and not verdict.valid
    assert "modifié" in verdict.problem


def test_anything_appended_after_the_seal_is_reported(pdf):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    sealed = seal_pdf(pdf, reason="PV")
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.set_info(None)  # an incremental update of the document's information
    writer.add_object(writer.root)  # touches the catalog: a change after signing
    out = io.BytesIO()
    writer.write(out)
    assert not verify_pdf(out.getvalue()).valid
    assert not verify_pdf(sealed + b"%extra\n").valid


def test_another_key_is_intact_but_not_trusted(pdf, tmp_path):
    key_pem, cert_pem = keys.self_signed("Quelqu'un d'autre")
    other = keys.SigningIdentity(key_pem, cert_pem, "Quelqu'un d'autre", "x")
    verdict = verify_pdf(seal_pdf(pdf, reason="PV", identity=other))
    assert verdict.signed and verdict.intact and not verdict.trusted and not verdict.valid
    assert "pas par cette plateforme" in verdict.problem


def test_unsigned_and_garbage_are_answered_not_raised(pdf):
    assert verify_pdf(pdf).signed is False
    for junk in (b"", b"garbage", pdf[: len(pdf) // 2]):
        assert verify_pdf(junk).valid is False


def test_the_identity_is_generated_once_and_kept_private(app):
    first = keys.platform_identity()
    keys.clear_cache()
    again = keys.platform_identity()
    assert first.fingerprint == again.fingerprint
    key_file = os.path.join(app.instance_path, "signing", "platform-key.pem")
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_a_configured_certificate_is_used(app, tmp_path, pdf):
    key_pem, cert_pem = keys.self_signed("Certificateur SA")
    (tmp_path / "k.pem").write_bytes(key_pem)
    (tmp_path / "c.pem").write_bytes(cert_pem)
    app.config.update(PDF_SIGNING_KEY=str(tmp_path / "k.pem"),
                      PDF_SIGNING_CERT=str(tmp_path / "c.pem"))
    assert keys.platform_identity().subject == "Certificateur SA"
    assert verify_pdf(seal_pdf(pdf, reason="PV")).signer == "Certificateur SA"
