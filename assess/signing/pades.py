"""Seal a PDF with the platform's key (PAdES baseline B, pyHanko) and check a sealed one.

No network access: no timestamp authority, no revocation fetching. Trust is the
platform's own certificate: a PDF reader shows the signature intact or broken, and says
who signed it; ``verify_pdf`` also checks that it chains to this platform.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .keys import SigningIdentity, platform_identity


@dataclass(frozen=True)
class Verification:
    signed: bool  # has at least one signature
    intact: bool  # the signed bytes are unchanged and cover the whole file
    trusted: bool  # signed with the platform's certificate
    signer: str | None
    signed_at: datetime | None
    problem: str | None  # for a person, when not valid

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted


def _signer(identity: SigningIdentity) -> signers.SimpleSigner:
    cert = _cert(identity)
    key = load_private_key_from_pemder_data(identity.key_pem, passphrase=identity.key_password)
    return signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs([cert]))


def _cert(identity: SigningIdentity):
    from asn1crypto import pem, x509

    _type, _headers, der = pem.unarmor(identity.cert_pem)
    return x509.Certificate.load(der)


def seal_pdf(pdf: bytes, *, reason: str, location: str | None = None,
             field_name: str = "Sceau", identity: SigningIdentity | None = None) -> bytes:
    identity = identity or platform_identity()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason,
                                        location=location, name=identity.subject,
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    out = signers.sign_pdf(writer, meta, signer=_signer(identity))
    return out.getvalue()


def verify_pdf(pdf: bytes, identity: SigningIdentity | None = None) -> Verification:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any unreadable input is "not a sealed PDF"
        return Verification(False, False, False, None, None,
                            _("Ce fichier n'est pas un PDF lisible."))
    if not signatures:
        return Verification(False, False, False, None, None,
                            _("Ce document ne porte aucune signature électronique."))
    identity = identity or platform_identity()
    context = ValidationContext(trust_roots=[_cert(identity)], allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:  # noqa: BLE001 - a damaged signature is reported, never raised
        return Verification(True, False, False, None, None,
                            _("La signature du document est illisible ou endommagée."))
    return _verdict(status, signatures[-1])


def _verdict(status, signature) -> Verification:
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and (
        status.modification_level in (None, ModificationLevel.NONE))
    intact = bool(status.intact and status.valid and whole)
    trusted = bool(status.trusted)
    signer = None
    try:
        signer = status.signing_cert.subject.native.get("common_name")
    except Exception:  # noqa: BLE001
        signer = None
    problem = None
    if not intact:
        problem = _("Le document a été modifié après sa signature : il n'est pas authentique.")
    elif not trusted:
        problem = _("Le document est signé, mais pas par cette plateforme.")
    return Verification(True, intact, trusted, signer, status.signer_reported_dt, problem)
