"""Reading an import file into rows of cells: CSV (comma, semicolon or tab; UTF-8 with
or without BOM, or Windows-1252) or XLSX. The type is told by the bytes (libmagic),
never by the file name.

Cells come out as the file holds them: text stays text (a CSV's « 01053 » keeps its
zero), an XLSX cell keeps its type (a date cell is a ``datetime``, a number a number),
and nothing is ever evaluated: an XLSX formula is read as its text, starting with
« = », so that the rows module can refuse it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import magic
from flask_babel import gettext as _

from workflows.base import Refused

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIMES = {XLSX_MIME, "application/zip", "application/octet-stream"}
OLD_EXCEL_MIMES = {"application/vnd.ms-excel", "application/x-ole-storage",
                   "application/CDFV2", "application/msword"}
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 8192
DELIMITERS = (";", ",", "\t")


class ImportFileRefused(Refused):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class Table:
    """The header row, then each data row with its line number in the file."""

    kind: str  # "csv" or "xlsx"
    headers: list[str]
    rows: Iterator[tuple[int, list]]
    encoding: str | None = None
    delimiter: str | None = None


def read_table(data: bytes) -> Table:
    if not data:
        raise ImportFileRefused(_("Le fichier est vide (0 octet) : choisissez le fichier qui "
                                  "contient la liste des candidats."))
    head = data[:SNIFF_BYTES]
    mime = magic.from_buffer(head, mime=True)
    if head.startswith(ZIP_SIGNATURE) and mime in ZIP_MIMES | {"application/x-zip-compressed"}:
        return _read_xlsx(data)
    if head.startswith(OLE_SIGNATURE) or mime in OLD_EXCEL_MIMES:
        raise ImportFileRefused(_(
            "Ce fichier est au format Excel 97-2003 (.xls), qui n'est pas lu : enregistrez-le "
            "au format .xlsx ou CSV, puis recommencez."))
    if mime.startswith("text/") or mime == "application/csv":
        return _read_csv(data)
    raise ImportFileRefused(_(
        "Ce fichier n'est ni un CSV ni un classeur XLSX (type reconnu : %(mime)s) : "
        "enregistrez la liste au format CSV ou XLSX, ou partez du modèle à télécharger.",
        mime=mime))


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise ImportFileRefused(_(
            "L'encodage de ce fichier n'est pas reconnu : enregistrez-le en « CSV UTF-8 » "
            "depuis votre tableur, puis recommencez.")) from exc


def _read_csv(data: bytes) -> Table:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as exc:  # a BOM followed by bytes that are not UTF-8
        raise ImportFileRefused(_(
            "Ce fichier annonce de l'UTF-8 mais contient d'autres caractères : enregistrez-le "
            "en « CSV UTF-8 » depuis votre tableur, puis recommencez.")) from exc
    if "\x00" in text:
        raise ImportFileRefused(_("Ce fichier contient des caractères nuls : ce n'est pas un "
                                  "CSV. Enregistrez la liste au format CSV ou XLSX."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ";"  # one column: the delimiter does not matter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        headers = []
    except csv.Error as exc:
        raise _unreadable_csv(exc) from exc
    return Table("csv", headers, _csv_rows(reader), encoding=encoding, delimiter=delimiter)


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    line = 1
    try:
        for row in reader:
            line += 1
            yield line, row
    except csv.Error as exc:
        raise _unreadable_csv(exc, line + 1) from exc


def _unreadable_csv(exc: csv.Error, line: int | None = None) -> ImportFileRefused:
    if line is None:
        return ImportFileRefused(_("La première ligne du fichier ne peut pas être lue (%(error)s)"
                                   " : vérifiez les guillemets.", error=str(exc)))
    return ImportFileRefused(_("La ligne %(line)d ne peut pas être lue (%(error)s) : vérifiez "
                               "les guillemets.", line=line, error=str(exc)))


def _read_xlsx(data: bytes) -> Table:
    # openpyxl is imported here: reading CSV does not pay for it.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileRefused(_(
            "Ce fichier n'est pas un classeur XLSX lisible : ouvrez-le dans votre tableur, "
            "enregistrez-le au format .xlsx ou CSV, puis recommencez.")) from exc
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise ImportFileRefused(_("Ce classeur n'a aucune feuille."))
    rows = sheet.iter_rows(values_only=True)
    try:
        headers = ["" if v is None else str(v) for v in next(rows)]
    except StopIteration:
        headers = []
    return Table("xlsx", headers, _xlsx_rows(rows, book))


def _xlsx_rows(rows, book) -> Iterator[tuple[int, list]]:
    try:
        for line, row in enumerate(rows, start=2):
            yield line, list(row)
    finally:
        book.close()
