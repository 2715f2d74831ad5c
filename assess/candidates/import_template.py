"""The template an admin downloads to fill in: every column, in the order the import
documents them, and one example row. Code columns are text cells, so a spreadsheet keeps
their leading zeros."""

from __future__ import annotations

import csv
import io

from .import_rows import COLUMNS

EXAMPLE = {
    "email": "camille.martin@exemple.fr",
    "nom_naissance": "MARTIN",
    "nom_usage": "",
    "prenom1": "Camille",
    "prenom2": "Louise",
    "prenom3": "",
    "date_naissance": "15/03/1998",
    "sexe": "F",
    "code_insee_naissance": "01053",
    "code_postal_naissance": "",
    "commune_naissance": "Bourg-en-Bresse",
    "pays_naissance": "100",
    "voie_acces": "formation_continue",
    "blocs": "1,3",
    "amenagement": "",
}
TEXT_COLUMNS = ("code_insee_naissance", "code_postal_naissance", "pays_naissance", "blocs",
                "date_naissance")


def template_csv() -> bytes:
    """Semicolon-separated UTF-8 with a BOM: what French Excel opens correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE[c] for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "candidats"
    sheet.append(list(COLUMNS))
    sheet.append([EXAMPLE[c] for c in COLUMNS])
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(name) + 4)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if name in TEXT_COLUMNS:
            for row in range(2, 1002):  # the rows an admin will fill keep text as text
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
