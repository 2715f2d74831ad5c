"""Tables sent as CSV or XLSX downloads. Every text cell that a spreadsheet would run as
a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
leading apostrophe: it then shows as the text it is (OWASP's advice on CSV injection).

Cells keep their type: numbers stay numbers, and in XLSX a ``date`` or ``datetime`` is
written as a date cell shown as « 31/12/2026 » (« 31/12/2026 16:30 »), so that a
spreadsheet sorts and filters on it. The header row is bold and frozen (it stays in view
while scrolling); ``freeze`` moves the frozen corner (``"C2"`` also keeps two identity
columns in view) or turns it off (None).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """Semicolon-separated UTF-8 with a BOM (what French Excel opens), a chunk per row so
    that the response is streamed. Dates are written in ISO form (2026-12-31)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        yield out.getvalue()


def xlsx_file(title: str, header: list[str], rows: Iterable[list], *,
              freeze: str | None = "A2"):
    """The rows written by openpyxl in write-only mode (rows are not kept in memory) into a
    temporary file, rewound for sending; the caller closes it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    if freeze:
        sheet.freeze_panes = freeze
    bold = Font(bold=True)

    def heading(text):
        cell = WriteOnlyCell(sheet, safe_cell(text))
        cell.font = bold
        return cell

    def typed(value):
        if isinstance(value, datetime | date):  # a datetime is a date too
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
            return cell
        return safe_cell(value)

    sheet.append([heading(h) for h in header])
    for row in rows:
        sheet.append([typed(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)
    book.save(out)
    out.seek(0)
    return out
