"""Every PDF of the platform is drawn here (WeasyPrint): with the fonts shipped in
``static/fonts`` (the same drawing on every machine, whatever fonts it has) and nothing
else loaded, neither from the network nor from the disk: a name or a reason typed by
someone cannot make the server fetch a URL or read a file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

STATIC = Path(__file__).resolve().parent / "static"
FONTS = STATIC / "fonts"
FONTS_CSS = STATIC / "css" / "pdf-fonts.css"
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
              ".woff2": "font/woff2"}


class ResourceRefused(ValueError):
    """A PDF asked for something other than one of the shipped fonts."""


def font_path(url: str) -> Path:
    """The shipped font file that ``url`` names, or ResourceRefused."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"PDFs load no resource ({url})")
    # resolve() follows ``..`` and symbolic links before the check, not after.
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if (not path.is_relative_to(FONTS) or path.suffix.lower() not in FONT_TYPES
            or not path.is_file()):
        raise ResourceRefused(f"PDFs load only the shipped fonts ({url})")
    return path


@cache
def _fetcher_class():
    # WeasyPrint is imported when a PDF is drawn, not when the app starts.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ShippedFontsFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = font_path(url)
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": FONT_TYPES[path.suffix.lower()]})

    return ShippedFontsFetcher


def url_fetcher():
    """A WeasyPrint fetcher that serves the files of ``static/fonts`` and refuses the rest."""
    return _fetcher_class()()


def render_pdf(html: str, css_files: list[Path]) -> bytes:
    """``html`` drawn as a PDF with ``pdf-fonts.css`` then ``css_files`` (files of the app)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = url_fetcher()
    # One configuration for the stylesheets and the drawing: it holds the @font-face fonts.
    fonts = FontConfiguration()
    sheets = [CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts)
              for path in [FONTS_CSS, *css_files]]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=sheets,
                                                            font_config=fonts)
