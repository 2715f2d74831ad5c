"""A document as a PDF, drawn from its recorded facts, and sealed with the platform's key
so that the same facts always give the same bytes.

Drawing: WeasyPrint (``assess.pdf.render_pdf``, the shipped fonts) writes no date and no
random identifier of its own; the HTML gives the creation and modification dates (the
issue time) as metadata. Sealing: ``assess.signing.pades.seal_pdf`` signs at the current
time, gives the file a random identifier (pyHanko's ``/ID``), dates the update "now" and
signs with ECDSA's random nonce: four differences between two seals of the same bytes. ``seal`` below is the same
PAdES baseline B seal with the same identity, made deterministic: the signing time is the
issue time (pyHanko has no public option for it, issue #569: set on the signing session),
the ``/ID`` is derived from the content, the update's ``/ModDate`` (which pyHanko sets to
"now") is the issue time too, and ECDSA signs with RFC 6979 nonces (RSA PKCS#1 v1.5 and
Ed25519 are deterministic already). ``verify_pdf`` accepts it as any seal. What still
changes the bytes: another seal key or certificate, another version of WeasyPrint or
pyHanko (the /Producer names it), other fonts.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime

from flask import render_template
from flask_babel import force_locale

from ..i18n import day, moment
from ..pdf import STATIC, render_pdf
from ..signing.keys import SigningIdentity, platform_identity
from .codes import grouped
from .qr import qr_svg

CSS = STATIC / "css" / "documents.css"
FIELD_NAME = "Sceau"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def render_document(facts: dict) -> bytes:
    """The unsealed PDF of ``facts`` (a legal document: in French whoever asks)."""
    with force_locale("fr"):
        html = render_template(
            "documents/document_pdf.html", f=facts, code=grouped(facts["code"]),
            qr=qr_svg(facts["verify_url"]), decision_date=_date(facts["decision_date"]),
            valid_until=_date(facts.get("valid_until")),
            issued_at=datetime.fromisoformat(facts["issued_at"]),
            pdf_date=facts["issued_at"] + "Z", day=day, moment=moment)
        return render_pdf(html, [CSS])


def seal(pdf: bytes, facts: dict, identity: SigningIdentity | None = None) -> bytes:
    """``pdf`` sealed at the document's issue time, the same bytes every time."""
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    identity = identity or platform_identity()
    certs = list(load_certs_from_pemder_data(identity.cert_pem))
    signer = _deterministic_signer_class()(
        signing_cert=certs[0], signing_key=load_private_key_from_pemder_data(
            identity.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs(certs))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=facts["seal_reason"], location=None,
        name=identity.subject, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    signed_at = datetime.fromisoformat(facts["issued_at"]).replace(tzinfo=UTC)
    writer = _writer_class()(io.BytesIO(pdf), modified_at=signed_at)
    pdf_signer = _fixed_time_signer_class()(meta, signer, signed_at=signed_at)
    return pdf_signer.sign_pdf(writer).getvalue()


def draw(facts: dict) -> tuple[bytes, bytes]:
    """(unsealed, sealed) PDFs of ``facts``."""
    content = render_document(facts)
    return content, seal(content, facts)


# pyHanko is imported when a document is sealed, not when the app starts: its classes
# are made on first use.
_classes: dict[str, type] = {}


def _writer_class():
    if "writer" not in _classes:
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.metadata.model import DocumentMetadata

        class FixedTimeMetadata(DocumentMetadata):
            """pyHanko stamps the update's /ModDate with "now" as it writes: the fixed
            time instead."""

            fixed: datetime | None = None

            def __setattr__(self, name, value):
                if name == "last_modified" and value == "now" and self.fixed is not None:
                    value = self.fixed
                super().__setattr__(name, value)

        class ContentIdWriter(IncrementalPdfFileWriter):
            """The file identifier derived from the content, the modification date fixed."""

            def __init__(self, stream, *, modified_at: datetime):
                super().__init__(stream)
                meta = FixedTimeMetadata()
                meta.fixed = modified_at
                meta.last_modified = modified_at
                self._meta = meta

            @classmethod
            def _handle_id(cls, prev):  # pyHanko's hook, called by __init__
                stream = prev.stream
                position = stream.tell()
                stream.seek(0)
                file_id = hashlib.sha256(stream.read()).digest()[:16]
                stream.seek(position)
                return generic.ArrayObject([generic.ByteStringObject(file_id)] * 2)

        _classes["writer"] = ContentIdWriter
    return _classes["writer"]


def _fixed_time_signer_class():
    if "pdf_signer" not in _classes:
        from pyhanko.sign.signers.pdf_signer import PdfSigner

        class FixedTimePdfSigner(PdfSigner):
            def __init__(self, *args, signed_at: datetime, **kwargs):
                super().__init__(*args, **kwargs)
                self._signed_at = signed_at

            def init_signing_session(self, pdf_out, existing_fields_only=False):
                session = super().init_signing_session(pdf_out, existing_fields_only)
                session.system_time = self._signed_at  # the CMS signing time and /M
                return session

        _classes["pdf_signer"] = FixedTimePdfSigner
    return _classes["pdf_signer"]


def _deterministic_signer_class():
    if "signer" not in _classes:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
        from pyhanko.sign.general import get_pyca_cryptography_hash
        from pyhanko.sign.signers import SimpleSigner

        class DeterministicSigner(SimpleSigner):
            def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
                key = serialization.load_der_private_key(self.signing_key.dump(),
                                                         password=None)
                if isinstance(key, EllipticCurvePrivateKey):
                    return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm),
                                                deterministic_signing=True))
                return super().sign_raw(data, digest_algorithm)

        _classes["signer"] = DeterministicSigner
    return _classes["signer"]
