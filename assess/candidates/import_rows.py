"""The rows of an import file, checked: which column is which, and each cell turned into
what enrolment needs (an e-mail, an identity, an access route, blocs), or a reason per
column. Nothing here reads or writes the database.

Cells are never evaluated. A value that starts with ``=``, ``+``, ``-`` or ``@`` is
refused in the identity columns (a name or a code cannot start so; a spreadsheet would
run it as a formula) and kept as plain text in the free-text column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from .countries import country_code, simplified
from .identity import INSEE_COUNTRY, NAME_MAX, Identity
from .import_file import ImportFileRefused, Table
from .models import CPF_ACCESS_ROUTE, AccessRoute

# The file's column names, in the template's order; each maps to what it fills.
COLUMNS = {
    "email": "email",
    "nom_naissance": "birth_name",
    "nom_usage": "usage_name",
    "prenom1": "first_name_1",
    "prenom2": "first_name_2",
    "prenom3": "first_name_3",
    "date_naissance": "birth_date",
    "sexe": "sex",
    "code_insee_naissance": "birth_insee_code",
    "code_postal_naissance": "birth_postal_code",
    "commune_naissance": "birth_commune",
    "pays_naissance": "birth_country_code",
    "voie_acces": "access_route",
    "blocs": "blocks",
    "amenagement": "accommodation",
}
REQUIRED = ("email", "nom_naissance", "prenom1")
# A few other ways people head these columns.
ALIASES = {"mail": "email", "courriel": "email", "adressemail": "email", "prenom": "prenom1",
           "nomdenaissance": "nom_naissance", "datedenaissance": "date_naissance"}
TEXT_MAX = 2000
MAX_ROWS = 20_000
FORMULA_START = ("=", "+", "-", "@")

# Access routes by every name the file may use: ours, the CPF's, and the labels.
_ROUTE_WORDS = {
    AccessRoute.INITIAL: ("Formation initiale hors apprentissage", "formation initiale"),
    AccessRoute.INITIAL_APPRENTICESHIP: ("Formation initiale en apprentissage",
                                         "apprentissage"),
    AccessRoute.CONTINUING: ("Formation continue hors contrat de professionnalisation",
                             "formation continue"),
    AccessRoute.CONTINUING_PRO_CONTRACT: (
        "Formation continue en contrat de professionnalisation", "contrat de "
        "professionnalisation", "contrat pro"),
    AccessRoute.VAE: ("Validation des acquis de l'expérience (VAE)",
                      "validation des acquis de l'expérience"),
    AccessRoute.FOREIGN_EQUIVALENCE: ("Équivalence (diplôme étranger)", "équivalence"),
    AccessRoute.INDEPENDENT: ("Candidat libre", "libre"),
}
ROUTES = {simplified(word): route for route in AccessRoute
          for word in (route.value, CPF_ACCESS_ROUTE[route], *_ROUTE_WORDS[route])}

DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")
BLOCK_SEPARATORS = re.compile(r"\s*(?:[,;/+]|\bet\b|\s)\s*")


def header_key(header: str) -> str:
    """``Nom_Naissance``, ``nom naissance`` and ``NOM NAISSANCE`` alike."""
    return simplified(header or "")


KEYS = {header_key(name): name for name in COLUMNS} | ALIASES


@dataclass
class ImportRow:
    line: int
    email: str = ""
    identity: Identity = field(default_factory=Identity)
    # The identity fields this row gives a value for (an empty cell erases nothing).
    given: frozenset[str] = frozenset()
    access_route: AccessRoute | None = None
    blocks: tuple[int, ...] | None = None  # None: the full title
    accommodation: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class CheckedFile:
    rows: list[ImportRow]
    columns: list[str]  # the recognised columns, by their canonical name
    unknown_columns: list[str]
    kind: str


def check_table(table: Table, block_numbers: Iterable[int], *,
                allow_test_domains: bool = False) -> CheckedFile:
    """Every row of ``table`` checked; a file that cannot be used at all is refused."""
    positions, unknown, headers = _columns(table.headers)
    numbers = frozenset(block_numbers)
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        if all(_blank(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileRefused(_("Ce fichier a plus de %(n)d lignes : découpez-le en "
                                      "plusieurs fichiers.", n=MAX_ROWS))
        row = _check_row(line, cells, len(table.headers), positions, headers, numbers,
                         allow_test_domains)
        if row.email and row.email in seen:
            row.errors.append((headers["email"], _(
                "Cette adresse figure déjà ligne %(line)d du fichier : un candidat ne peut "
                "être importé qu'une fois.", line=seen[row.email])))
        elif row.email:
            seen[row.email] = line
        rows.append(row)
    return CheckedFile(rows, list(positions), unknown, table.kind)


def _columns(headers: list) -> tuple[dict[str, int], list[str], dict[str, str]]:
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        text = "" if header is None else str(header).strip()
        key = KEYS.get(header_key(text))
        if key is None:
            if text:
                unknown.append(text)
            continue
        if key in positions:
            raise ImportFileRefused(_(
                "Les colonnes « %(a)s » et « %(b)s » désignent toutes deux « %(key)s » : gardez-"
                "en une seule.", a=names[key], b=text, key=key))
        positions[key] = index
        names[key] = text
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise ImportFileRefused(_(
            "Colonne(s) obligatoire(s) absente(s) de la première ligne : %(names)s. La "
            "première ligne doit nommer les colonnes, comme dans le modèle à télécharger.",
            names=", ".join(missing)))
    return positions, unknown, names


def _check_row(line: int, cells: list, width: int, positions: dict[str, int],
               headers: dict[str, str], numbers: frozenset[int], allow_test_domains: bool) -> ImportRow:
    row = ImportRow(line)
    values: dict[str, object] = {}

    def refuse(key: str, reason: str) -> None:
        row.errors.append((headers[key], reason))

    if len(cells) > width and any(not _blank(c) for c in cells[width:]):
        row.errors.append(("", _(
            "Cette ligne a plus de valeurs que la première ligne n'a de colonnes : une valeur "
            "contient peut-être le séparateur ; mettez-la entre guillemets.")))
    for key, index in positions.items():
        cell = cells[index] if index < len(cells) else None
        if _blank(cell):
            continue
        try:
            values[key] = _cell(key, cell, numbers)
        except ValueError as exc:
            refuse(key, str(exc))
    for key in REQUIRED:
        if key not in values and not any(h == headers[key] for h, _r in row.errors):
            refuse(key, _("Valeur obligatoire : cette cellule est vide."))
    email = row.email = values.pop("email", "")
    if email:
        try:
            validate_email(email, check_deliverability=False,
                           test_environment=allow_test_domains)
        except EmailNotValidError:
            refuse("email", _("Adresse e-mail invalide : vérifiez-la (par exemple "
                              "prenom.nom@exemple.fr)."))
    row.access_route = values.pop("voie_acces", None)
    row.blocks = values.pop("blocs", None)
    row.accommodation = values.pop("amenagement", "")
    fields_ = {COLUMNS[key]: value for key, value in values.items()}
    identity = Identity(**fields_).normalised()
    for field_name, reason in identity.problems().items():
        column = next((k for k, v in COLUMNS.items() if v == field_name), None)
        if column in headers and field_name in fields_:
            refuse(column, reason)
    row.identity = identity
    row.given = frozenset(fields_)
    return row


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell(key: str, cell, numbers: frozenset[int]):
    """The value of one non-empty cell for column ``key``, or ValueError with the reason."""
    if key == "date_naissance":
        return _date(cell)
    if key in ("code_insee_naissance", "code_postal_naissance"):
        return _code(cell)
    text = _text(cell)
    if key == "amenagement":
        if len(text) > TEXT_MAX:
            raise ValueError(_("%(n)d caractères au plus.", n=TEXT_MAX))
        return text
    if text.startswith(FORMULA_START):
        raise ValueError(_("Cette cellule commence par « %(c)s » comme une formule : saisissez "
                           "la valeur elle-même.", c=text[0]))
    if key == "email":
        return text.lower()
    if key == "sexe":
        if text.upper() not in ("M", "F"):
            raise ValueError(_("Indiquez M ou F."))
        return text.upper()
    if key == "pays_naissance":
        return _country(text)
    if key == "voie_acces":
        route = ROUTES.get(simplified(text))
        if route is None:
            raise ValueError(_("Voie d'accès inconnue : indiquez l'une de %(routes)s.",
                               routes=", ".join(r.value for r in AccessRoute)))
        return route
    if key == "blocs":
        return _blocks(text, numbers)
    if len(text) > NAME_MAX:
        raise ValueError(_("%(n)d caractères au plus.", n=NAME_MAX))
    return text


def _text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def _date(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        # A date cell stored as its serial number (the cell lost its date format).
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(cell).date()
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError(_bad_date()) from exc
    text = str(cell).strip()
    if (match := DATE_DMY.match(text)):
        day, month, year = (int(g) for g in match.groups())
    elif (match := DATE_ISO.match(text)):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(_bad_date())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(_("Cette date n'existe pas (%(text)s).", text=text)) from exc


def _bad_date() -> str:
    return _("Date attendue au format JJ/MM/AAAA (par exemple 15/03/1998) ou AAAA-MM-JJ.")


def _code(cell) -> str:
    """An INSEE or postal code; a leading zero dropped by a spreadsheet is put back."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        text = str(cell)
    else:
        text = str(cell).strip().upper()
        if text.startswith(FORMULA_START):
            raise ValueError(_("Cette cellule commence par « %(c)s » comme une formule : "
                               "saisissez la valeur elle-même.", c=text[0]))
    if len(text) == 4 and text.isdigit():
        text = "0" + text
    return text  # its shape is checked with the identity, which says what is expected


def _country(text: str) -> str:
    if INSEE_COUNTRY.match(text):
        return text
    code = country_code(text)
    if code is None:
        raise ValueError(_("Pays « %(name)s » non reconnu : indiquez son code INSEE à 3 "
                           "chiffres (par exemple 100 pour la France, 131 pour la "
                           "Belgique).", name=text))
    return code


def _blocks(text: str, numbers: frozenset[int]) -> tuple[int, ...] | None:
    words = re.sub(r"\bblocs?\b", " ", text.lower())
    parts = [p for p in BLOCK_SEPARATORS.split(words.strip()) if p]
    chosen: set[int] = set()
    for part in parts or ["?"]:
        if not part.isdigit() or int(part) not in numbers:
            raise ValueError(_("Blocs attendus parmi %(numbers)s, séparés par des virgules "
                               "(par exemple 1,3) ; vide pour le titre complet.",
                               numbers=", ".join(str(n) for n in sorted(numbers))))
        chosen.add(int(part))
    return None if chosen == set(numbers) else tuple(sorted(chosen))
