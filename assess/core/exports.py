"""Tables sent as CSV or XLSX downloads. Every text cell that a spreadsheet would run as
a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
leading apostrophe: it then shows as the text it is (OWASP's advice on CSV injection)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """Semicolon-separated UTF-8 with a BOM (what French Excel opens), a chunk per row so
    that the response is streamed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        yield out.getvalue()


def xlsx_file(title: str, header: list[str], rows: Iterable[list]):
    """The rows written by openpyxl in write-only mode (rows are not kept in memory) into a
    temporary file, rewound for sending; the caller closes it."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)
    book.save(out)
    out.seek(0)
    return out
