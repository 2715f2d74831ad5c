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
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
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
    certs = _certs(identity)
    key = load_private_key_from_pemder_data(identity.key_pem, passphrase=None)
    # The chain of a configured certificate travels in the signature for PDF readers.
    return signers.SimpleSigner(signing_cert=certs[0], signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs(certs))


def _certs(identity: SigningIdentity) -> list:
    """The signing certificate first, then its chain (asn1crypto objects, for pyHanko)."""
    return list(load_certs_from_pemder_data(identity.cert_pem))


def seal_pdf(pdf: bytes, *, reason: str, location: str | None = None,
             field_name: str = "Sceau", identity: SigningIdentity | None = None) -> bytes:
    """``pdf`` with an invisible PAdES signature by the platform (or ``identity``) appended
    as an incremental update: the original bytes are kept as they are."""
    identity = identity or platform_identity()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # PAdES baseline B (no timestamp, so no network); the field is invisible (no box).
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason,
                                        location=location, name=identity.subject,
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    out = signers.sign_pdf(writer, meta, signer=_signer(identity))
    return out.getvalue()


def verify_pdf(pdf: bytes, identity: SigningIdentity | None = None) -> Verification:
    """The last signature of ``pdf`` checked against the platform's certificate (or
    ``identity``'s); any input, however broken, gets an answer rather than an exception."""
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
    # Trust is the platform's own certificate only (not the CA of a configured one, which
    # signs for others too): no system store, no fetching.
    context = ValidationContext(trust_roots=_certs(identity)[:1], allow_fetching=False)
    try:
        status = _validate(signatures[-1], context)
    except Exception:  # noqa: BLE001 - a damaged signature is reported, never raised
        return Verification(True, False, False, None, None,
                            _("La signature du document est illisible ou endommagée."))
    return _verdict(status)


def _validate(signature, context):
    """pyHanko's validation runs ``asyncio.run``, which a thread already running an event
    loop refuses: there it runs in a thread of its own (a valid PV is never reported
    damaged because of who asked)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop here: the usual case (requests, the worker)
        return validate_pdf_signature(signature, context)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf_signature, signature, context).result()


def _verdict(status) -> Verification:
    # pyHanko's own verdict accepts some later updates as harmless (a changed title counts
    # as LTA_UPDATES, its bottom_line stays True): a sealed PV admits none, so the signature
    # must cover the entire file.
    intact = bool(status.intact and status.valid
                  and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
                  and status.modification_level in (None, ModificationLevel.NONE))
    trusted = bool(status.trusted)
    try:
        signer = status.signing_cert.subject.native.get("common_name")
    except Exception:  # noqa: BLE001 - an odd subject only loses the name
        signer = None
    problem = None
    if not intact:
        problem = _("Le document a été modifié après sa signature : il n'est pas authentique.")
    elif not trusted:
        problem = _("Le document est signé, mais pas par cette plateforme.")
    return Verification(True, intact, trusted, signer, status.signer_reported_dt, problem)
