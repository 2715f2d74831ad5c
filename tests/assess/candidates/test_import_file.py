"""Reading and checking an import file, without the database: encodings, separators,
XLSX cells, headers, and a reason per line and column for every refused value."""

from __future__ import annotations

import io
import os
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from assess.candidates.import_file import ImportFileRefused, read_table
from assess.candidates.import_rows import check_table
from assess.candidates.import_template import template_csv, template_xlsx
from assess.candidates.models import AccessRoute

HEADER = "email;nom_naissance;prenom1;date_naissance;sexe;code_insee_naissance;pays_naissance"
BLOCKS = (1, 2, 3)


def check(data: bytes, **kwargs):
    return check_table(read_table(data), BLOCKS, **kwargs)


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ","])
def test_csv_in_each_encoding_and_separator_reads_the_same(encoding, sep):
    text = (HEADER + "\nlea.pere@exemple.fr;PÈRE;Léa;12/04/1998;F;69123;France\n")
    checked = check(text.replace(";", sep).encode(encoding))
    (row,) = checked.rows
    assert row.valid, row.errors
    assert (row.email, row.identity.birth_name, row.identity.first_name_1) == (
        "lea.pere@exemple.fr", "PÈRE", "Léa")
    assert row.identity.birth_date == date(1998, 4, 12)
    assert row.identity.birth_country_code == "100"


def test_headers_ignore_case_accents_spaces_and_underscores_in_any_order():
    text = "Prénom 1;NOM_NAISSANCE;E-mail;Couleur préférée\nLéa;Père;lea@exemple.fr;bleu\n"
    checked = check(text.encode())
    assert checked.rows[0].valid and checked.rows[0].email == "lea@exemple.fr"
    assert checked.unknown_columns == ["Couleur préférée"]


def test_a_missing_required_column_refuses_the_file():
    with pytest.raises(ImportFileRefused, match="prenom1"):
        check(b"email;nom_naissance\na@exemple.fr;Dupont\n")


def test_two_columns_for_the_same_field_refuse_the_file():
    with pytest.raises(ImportFileRefused, match="email"):
        check(b"email;nom_naissance;prenom1;mail\na@exemple.fr;D;L;b@exemple.fr\n")


@pytest.mark.parametrize(("data", "words"), [
    (b"", "vide"),
    (os.urandom(64), "ni un CSV ni un classeur"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "97-2003"),
    (b"%PDF-1.7\n" + os.urandom(3000), "ni un CSV ni un classeur"),
    (b"PK\x03\x04" + os.urandom(2000), "XLSX"),
])
def test_files_that_are_not_a_table_are_refused_with_what_to_do(data, words):
    with pytest.raises(ImportFileRefused, match=words):
        read_table(data)


def test_ten_megabytes_of_garbage_is_refused_quickly():
    with pytest.raises(ImportFileRefused):
        check(os.urandom(10 * 2**20))


def test_each_refused_value_names_its_line_and_column():
    text = (HEADER + "\n"
            "ok@exemple.fr;Dupont;Léa;12/04/1998;F;69123;100\n"
            "pas-une-adresse;Martin;Paul;31/02/1999;X;691;Atlantide\n"
            ";;;;;;\n"
            "ok@exemple.fr;Durand;Zoé;;;;\n"
            "c@exemple.fr;;Chloé;1998-13-01;;;\n")
    rows = check(text.encode()).rows
    assert [r.line for r in rows] == [2, 3, 5, 6]  # the blank line 4 is skipped
    assert rows[0].valid
    by_column = dict(rows[1].errors)
    assert set(by_column) == {"email", "date_naissance", "sexe", "code_insee_naissance",
                              "pays_naissance"}
    assert "n'existe pas" in by_column["date_naissance"]
    assert "Atlantide" in by_column["pays_naissance"]
    assert "ligne 2" in dict(rows[2].errors)["email"]  # the same address twice
    assert set(dict(rows[3].errors)) == {"nom_naissance", "date_naissance"}


def test_leading_zeros_come_back_and_codes_stay_text():
    text = ("email;nom_naissance;prenom1;code_insee_naissance;code_postal_naissance\n"
            "a@exemple.fr;A;B;1053;\nb@exemple.fr;A;B;2a004;\nc@exemple.fr;A;B;;01000\n")
    rows = check(text.encode()).rows
    assert [r.identity.birth_insee_code for r in rows] == ["01053", "2A004", ""]
    assert rows[2].identity.birth_postal_code == "01000"
    assert all(r.valid for r in rows)


def test_cells_that_look_like_formulas_are_refused_in_identity_columns_kept_as_text_elsewhere():
    text = ("email;nom_naissance;prenom1;amenagement\n"
            'a@exemple.fr;=HYPERLINK("http://x");Léa;=tiers-temps\n'
            "b@exemple.fr;Dupont;@Paul;+1/3 temps\n"
            "c@exemple.fr;-Dupont;Marc;\n")
    rows = check(text.encode()).rows
    assert "formule" in dict(rows[0].errors)["nom_naissance"]
    assert rows[0].accommodation == "=tiers-temps"
    assert "prenom1" in dict(rows[1].errors) and rows[1].accommodation == "+1/3 temps"
    assert "nom_naissance" in dict(rows[2].errors)


def test_xlsx_cells_keep_their_types():
    data = xlsx([
        ["Email", "Nom naissance", "Prénom1", "Date naissance", "Code INSEE naissance",
         "Code postal naissance", "Blocs", "Voie accès"],
        ["a@exemple.fr", "Dupont", "Léa", datetime(1998, 4, 12), 1053, None, "1, 3", "VAE"],
        ["b@exemple.fr", "Martin", "Paul", 36000, "2B033", 6000, 2, "apprentissage"],
        ["c@exemple.fr", "=A1", "Zoé", "=TODAY()", None, None, None, None],
    ])
    rows = check(data).rows
    assert rows[0].valid, rows[0].errors
    assert rows[0].identity.birth_date == date(1998, 4, 12)
    assert rows[0].identity.birth_insee_code == "01053"
    assert rows[0].blocks == (1, 3) and rows[0].access_route == AccessRoute.VAE
    assert rows[1].identity.birth_date == date(1998, 7, 24)  # Excel's serial 36000
    assert rows[1].identity.birth_postal_code == "06000"
    assert rows[1].blocks == (2,) and rows[1].access_route == AccessRoute.INITIAL_APPRENTICESHIP
    assert {"nom_naissance", "date_naissance"} <= {
        k.lower().replace(" ", "_") for k in dict(rows[2].errors)}


@pytest.mark.parametrize(("cell", "blocks"), [("", None), ("1,2,3", None), ("1;3", (1, 3)),
                                              ("bloc 2", (2,)), ("1 et 3", (1, 3))])
def test_blocs_cell(cell, blocks):
    text = f"email,nom_naissance,prenom1,blocs\na@exemple.fr,A,B,\"{cell}\"\n"
    (row,) = check(text.encode()).rows
    assert row.valid and row.blocks == blocks


@pytest.mark.parametrize("cell", ["4", "1,x", "bloc"])
def test_unknown_blocs_are_refused(cell):
    (row,) = check(f"email;nom_naissance;prenom1;blocs\na@exemple.fr;A;B;{cell}\n".encode()).rows
    assert "blocs" in dict(row.errors)


def test_a_row_with_more_values_than_columns_is_refused():
    (row,) = check(b"email;nom_naissance;prenom1\na@exemple.fr;Dupont;Jean;Pierre\n").rows
    assert "guillemets" in dict(row.errors)[""]


def test_demo_addresses_only_while_demo_accounts_are_allowed():
    data = b"email;nom_naissance;prenom1\na@demo.test;A;B\n"
    assert not check(data).rows[0].valid
    assert check(data, allow_test_domains=True).rows[0].valid


@pytest.mark.parametrize("template", [template_csv, template_xlsx])
def test_the_downloadable_templates_import_cleanly(template):
    checked = check(template())
    assert checked.unknown_columns == []
    (row,) = checked.rows
    assert row.valid, row.errors
    assert row.identity.birth_insee_code == "01053" and row.blocks == (1, 3)
