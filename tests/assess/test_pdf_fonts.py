"""assess.pdf: every PDF is drawn with the fonts shipped in static/fonts, and nothing else
is fetched, neither from the network nor from the disk."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from assess import pdf

SHIPPED = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
           "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf"}


def embedded_fonts(document: bytes) -> dict[str, bytes]:
    """BaseFont name -> embedded font program, for every font of every page."""
    fonts = {}
    for page in PdfReader(io.BytesIO(document)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = (font.get("/FontDescriptor")
                          or font["/DescendantFonts"][0].get_object()["/FontDescriptor"])
            program = descriptor.get_object()["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"])] = program
    return fonts


@pytest.mark.parametrize("url", [
    "http://example.com/x.png",
    "https://example.com/font.ttf",
    "file:///etc/passwd",
    (pdf.STATIC / "css" / "convocation.css").as_uri(),
    pdf.FONTS.as_uri() + "/../css/convocation.css",
    pdf.FONTS.as_uri() + "/%2E%2E/css/convocation.css",
    (pdf.FONTS / "LICENSE").as_uri(),
    (pdf.FONTS / "missing.ttf").as_uri(),
    "file://example.com" + (pdf.FONTS / "DejaVuSans.ttf").as_posix(),
    "data:text/css,body{color:red}",
    "ftp://example.com/DejaVuSans.ttf",
])
def test_the_fetcher_refuses_everything_but_the_shipped_fonts(url):
    with pytest.raises(pdf.ResourceRefused):
        pdf.url_fetcher().fetch(url)


def test_a_font_outside_the_shipped_folder_is_refused(tmp_path):
    outside = tmp_path / "DejaVuSans.ttf"
    outside.write_bytes((pdf.FONTS / "DejaVuSans.ttf").read_bytes())
    link = tmp_path / "link.ttf"
    link.symlink_to(outside)
    for path in (outside, link):
        with pytest.raises(pdf.ResourceRefused):
            pdf.url_fetcher().fetch(path.as_uri())


def test_the_fetcher_serves_a_shipped_font():
    path = pdf.FONTS / "DejaVuSans-Bold.ttf"
    response = pdf.url_fetcher().fetch(path.as_uri())
    assert response.read() == path.read_bytes()
    assert response.content_type == "font/ttf"


def test_the_fonts_and_their_licence_are_shipped():
    for name in SHIPPED.values():
        assert (pdf.FONTS / name).stat().st_size > 100_000
    assert "Bitstream Vera" in (pdf.FONTS / "LICENSE").read_text(encoding="utf-8")


def test_drawing_fetches_nothing_but_the_fonts(monkeypatch):
    asked = []
    real = pdf.font_path

    def spy(url):
        try:
            path = real(url)
        except pdf.ResourceRefused:
            asked.append((url, "refused"))
            raise
        asked.append((url, "served"))
        return path

    monkeypatch.setattr(pdf, "font_path", spy)
    html = ('<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body>'
            '<p>Bonjour</p><img src="http://example.com/x.png" alt="">'
            '<p style="background: url(https://example.com/bg.png)">fond</p></body></html>')
    document = pdf.render_pdf(html, [])

    assert document.startswith(b"%PDF")
    assert ("http://example.com/x.png", "refused") in asked
    assert ("file:///etc/passwd", "refused") in asked
    assert ("https://example.com/bg.png", "refused") in asked
    served = {url.rsplit("/", 1)[-1] for url, outcome in asked if outcome == "served"}
    assert served == set(SHIPPED.values())
    assert "Bonjour" in PdfReader(io.BytesIO(document)).pages[0].extract_text()


def test_the_embedded_fonts_are_the_shipped_dejavu():
    document = pdf.render_pdf("<p>Texte <b>gras</b> <i>italique</i></p>", [])
    fonts = embedded_fonts(document)

    # The family name is our own: a font of the machine standing in would be named otherwise.
    assert len(fonts) == 3
    assert all("+Assess-Sans" in name for name in fonts)
    for program in fonts.values():
        embedded = TTFont(io.BytesIO(program))
        postscript = embedded["name"].getDebugName(6)
        assert postscript in SHIPPED
        assert "DejaVuSans" in postscript
        shipped = TTFont(pdf.FONTS / SHIPPED[postscript])
        assert embedded["head"].created == shipped["head"].created
        assert embedded["head"].fontRevision == shipped["head"].fontRevision


def test_without_the_shipped_fonts_the_check_above_fails(monkeypatch, tmp_path):
    # Guards the test above: when the fonts cannot be loaded, the drawing falls back to
    # a font of the machine, and its name says so.
    monkeypatch.setattr(pdf, "FONTS", tmp_path)
    fonts = embedded_fonts(pdf.render_pdf("<p>Texte</p>", []))
    assert fonts and not any("Assess-Sans" in name for name in fonts)
