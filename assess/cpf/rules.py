"""What a holder's record must be for the CDC schema (certifications-cdc-1.1.2.xsd) to
accept it, checked before the file is built: each problem names the candidate's field to
fix and why. The final file is validated against the XSD as well (``xml.validate``), as
the last guard.

The schema's constraints on the holder (« titulaire »): ``nomNaissance`` and ``prenom1``
required, 1 to 60 characters, like ``nomUsage``, ``prenom2``, ``prenom3`` and
``libelleCommuneNaissance`` when given; ``anneeNaissance`` between 1900 and 2099;
``sexe`` M or F; ``codeCommuneNaissance`` required: an INSEE code of 5 characters or a
postal code (1 to 9); ``codePaysNaissance`` of 3 characters. A person born abroad with no
commune code is declared with INSEE's code for their country of birth as the commune
(« 99 » and the country's three digits, as INSEE writes a birth abroad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

NAME_MAX = 60
INSEE_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTAL_CODE = re.compile(r"^\d{5}$")
INSEE_COUNTRY = re.compile(r"^(99)?(\d{3})$")
FRANCE = "100"
# Characters XML 1.0 cannot carry (lxml refuses them): control characters but tab and
# line breaks, and the two non-characters.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FIRST_YEAR, LAST_YEAR = 1900, 2099

# The candidate's fields a problem can name, with the words the page uses for them.
FIELDS = {
    "birth_name": _l("Nom de naissance"),
    "usage_name": _l("Nom d'usage"),
    "first_name_1": _l("Premier prénom"),
    "first_name_2": _l("Deuxième prénom"),
    "first_name_3": _l("Troisième prénom"),
    "birth_date": _l("Date de naissance"),
    "sex": _l("Sexe"),
    "birth_insee_code": _l("Code INSEE de la commune de naissance"),
    "birth_postal_code": _l("Code postal de la commune de naissance"),
    "birth_commune": _l("Commune de naissance"),
    "birth_country_code": _l("Code INSEE du pays de naissance"),
    "access_route": _l("Voie d'accès"),
    "schema": _l("Fiche du titulaire"),
}


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str

    @property
    def label(self) -> str:
        return str(FIELDS.get(self.field, self.field))


@dataclass(frozen=True)
class Identity:
    """The holder's identity as the candidate row holds it (None or text)."""

    birth_name: str | None = None
    usage_name: str | None = None
    first_name_1: str | None = None
    first_name_2: str | None = None
    first_name_3: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    birth_insee_code: str | None = None
    birth_postal_code: str | None = None
    birth_commune: str | None = None
    birth_country_code: str | None = None

    @classmethod
    def of(cls, candidate) -> Identity:
        return cls(**{name: getattr(candidate, name) for name in cls.__dataclass_fields__})

    def text(self, name: str) -> str:
        value = getattr(self, name)
        return value.strip() if isinstance(value, str) else ""

    @property
    def country(self) -> str:
        """The country of birth as its three INSEE digits ('' when not a code)."""
        match = INSEE_COUNTRY.match(self.text("birth_country_code") or FRANCE)
        return match.group(2) if match else ""

    @property
    def commune_code(self) -> tuple[str, str] | None:
        """("insee" | "postal", code) for codeCommuneNaissance, None when there is none."""
        insee = self.text("birth_insee_code").upper()
        if insee:
            return "insee", insee
        postal = self.text("birth_postal_code")
        if postal:
            return "postal", postal
        if self.country and self.country != FRANCE:
            return "insee", "99" + self.country
        return None


def problems(identity: Identity, access_route: str | None, cpf_routes: dict) -> list[Problem]:
    """Every reason why this holder's record cannot be declared (empty: it can)."""
    found: list[Problem] = []

    def name(field: str, required: bool) -> None:
        value = identity.text(field)
        if not value:
            if required:
                found.append(Problem(field, str(_l("Obligatoire pour la déclaration CPF."))))
        elif len(value) > NAME_MAX:
            found.append(Problem(field, str(_l(
                "%(n)d caractères au plus (le schéma de la CDC) : il en compte %(len)d.",
                n=NAME_MAX, len=len(value)))))
        elif NOT_IN_XML.search(value):
            found.append(Problem(field, str(_l(
                "Contient un caractère invisible (caractère de contrôle) : retapez-le."))))

    name("birth_name", True)
    name("usage_name", False)
    name("first_name_1", True)
    name("first_name_2", False)
    name("first_name_3", False)
    name("birth_commune", False)
    born = identity.birth_date
    if born is None:
        found.append(Problem("birth_date", str(_l("Obligatoire pour la déclaration CPF."))))
    elif not (FIRST_YEAR <= born.year <= LAST_YEAR and born <= date.today()):
        found.append(Problem("birth_date", str(_l(
            "Une date de naissance passée, en %(first)d ou après.", first=FIRST_YEAR))))
    sex = identity.text("sex").upper()
    if not sex:
        found.append(Problem("sex", str(_l("Obligatoire pour la déclaration CPF."))))
    elif sex not in ("M", "F"):
        found.append(Problem("sex", str(_l("M ou F, comme le schéma de la CDC l'attend."))))
    if not identity.country:
        found.append(Problem("birth_country_code", str(_l(
            "Le code INSEE d'un pays a 3 chiffres (100 pour la France)."))))
    place = identity.commune_code
    if place is None:
        found.append(Problem("birth_insee_code", str(_l(
            "Le lieu de naissance est obligatoire : le code INSEE de la commune (ou, à "
            "défaut, son code postal)."))))
    elif place[0] == "insee" and not INSEE_COMMUNE.match(place[1]):
        found.append(Problem("birth_insee_code", str(_l(
            "Un code INSEE de commune a 5 caractères : 5 chiffres, ou 2A / 2B suivis de 3 "
            "chiffres pour la Corse."))))
    elif place[0] == "postal" and not POSTAL_CODE.match(place[1]):
        found.append(Problem("birth_postal_code", str(_l(
            "Un code postal a 5 chiffres."))))
    if access_route is None or str(access_route) not in {str(k) for k in cpf_routes}:
        found.append(Problem("access_route", str(_l(
            "La voie d'accès n'a pas de correspondance dans le schéma de la CDC."))))
    return found


def settings_problems(settings) -> list[str]:
    """What the certification's settings lack for any declaration (empty: complete)."""
    missing = []
    if settings is None or not (settings.cpf_id_client or "").strip() \
            or len(settings.cpf_id_client.strip()) != 8:
        missing.append(str(_l("l'identifiant client CPF (idClient, 8 caractères)")))
    if settings is None or not 1 <= len((settings.cpf_id_contrat or "").strip()) <= 20:
        missing.append(str(_l("l'identifiant de contrat CPF (idContrat)")))
    if settings is None or not 1 <= len((settings.rncp_code or "").strip()) <= 100:
        missing.append(str(_l("le code RNCP")))
    return missing


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later (earlier if negative), on the month's last day when it is
    shorter (30 November + 3 months: 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = (following - date.resolution).day
    return date(year, month, min(day.day, last))
