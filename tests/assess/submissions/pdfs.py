"""Small real PDFs for the check's tests, built byte by byte (a valid xref table)."""

from __future__ import annotations

import io
import zlib


def pdf_with_stream(data: bytes, filters: bytes = b"/Filter/FlateDecode") -> bytes:
    """A one-page PDF whose page content is the stream ``data``."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>>",
            b"<</Length " + str(len(data)).encode() + filters + b">>stream\n" + data
            + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += str(i).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objs) + 1).encode() + b"\n0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<</Size " + str(len(objs) + 1).encode() + b"/Root 1 0 R>>\nstartxref\n"
            + str(xref).encode() + b"\n%%EOF\n")
    return bytes(out)


def readable_pdf() -> bytes:
    return pdf_with_stream(zlib.compress(b"BT /F1 12 Tf 10 10 Td (Dossier) Tj ET"))


def bomb_pdf(megabytes: int = 1024) -> bytes:
    """About 1 MB on disk whose content stream inflates to ``megabytes`` MB of zeros."""
    packer = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    data = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    return pdf_with_stream(data)


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(readable_pdf())))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
