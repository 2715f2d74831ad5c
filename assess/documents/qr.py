"""The QR code printed on a document: its verification URL, as inline SVG (segno), drawn
by WeasyPrint like the rest of the page (no image to fetch, the same bytes every time)."""

from __future__ import annotations

from markupsafe import Markup


def qr_svg(url: str, *, scale: int = 3) -> Markup:
    import segno

    qr = segno.make(url, error="m")
    # segno escapes the title; the URL itself is ours (BASE_URL + a checked code).
    return Markup(qr.svg_inline(scale=scale, border=2, title=url, dark="#000",
                                light="#fff", svgclass="qr", lineclass=None))
