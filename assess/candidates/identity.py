"""A candidate's identity as the CPF declaration needs it (the Caisse des Dépôts' schema,
« titulaire »), and what is still missing from it.

The birth place is an INSEE commune code (5 characters; Corsica's start with 2A or 2B)
or, failing that, a postal code; the country of birth is INSEE's three-digit code
(France: 100; « 99100 », as INSEE writes it, is accepted too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import lazy_gettext as _l

INSEE_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTAL_CODE = re.compile(r"^\d{5}$")
INSEE_COUNTRY = re.compile(r"^(99)?(\d{3})$")
FRANCE = "100"
SEXES = ("M", "F")
NAME_MAX = 60  # the schema's limit for names and the commune

# What the CPF declaration needs of a holder, with the words that name it.
REQUIRED_FOR_CPF = {
    "birth_name": _l("nom de naissance"),
    "first_name_1": _l("premier prénom"),
    "birth_date": _l("date de naissance"),
    "sex": _l("sexe"),
    "birth_place": _l("code INSEE ou code postal du lieu de naissance"),
}


@dataclass(frozen=True)
class Identity:
    birth_name: str = ""
    usage_name: str = ""
    first_name_1: str = ""
    first_name_2: str = ""
    first_name_3: str = ""
    birth_date: date | None = None
    sex: str = ""
    birth_insee_code: str = ""
    birth_postal_code: str = ""
    birth_commune: str = ""
    birth_country_code: str = FRANCE

    @classmethod
    def of(cls, candidate) -> Identity:
        return cls(**{f.name: getattr(candidate, f.name) or (
            FRANCE if f.name == "birth_country_code" else None if f.name == "birth_date"
            else "") for f in fields(cls)})

    def normalised(self) -> Identity:
        """Trimmed, codes upper-cased, the country as its three digits."""
        values = {f.name: (getattr(self, f.name).strip() if isinstance(getattr(self, f.name), str)
                           else getattr(self, f.name)) for f in fields(self)}
        values["birth_insee_code"] = values["birth_insee_code"].upper()
        values["sex"] = values["sex"].upper()
        country = INSEE_COUNTRY.match(values["birth_country_code"] or FRANCE)
        if country:
            values["birth_country_code"] = country.group(2)
        return Identity(**values)

    def problems(self) -> dict[str, str]:
        """{field: what is expected} for every value of the wrong shape."""
        found: dict[str, str] = {}
        for name in ("birth_name", "usage_name", "first_name_1", "first_name_2",
                     "first_name_3", "birth_commune"):
            if len(getattr(self, name)) > NAME_MAX:
                found[name] = str(_l("%(n)d caractères au plus.", n=NAME_MAX))
        if self.sex and self.sex not in SEXES:
            found["sex"] = str(_l("Indiquez M ou F."))
        if self.birth_insee_code and not INSEE_COMMUNE.match(self.birth_insee_code):
            found["birth_insee_code"] = str(_l(
                "Le code INSEE d'une commune a 5 caractères : 5 chiffres, ou 2A / 2B suivis de "
                "3 chiffres pour la Corse (par exemple 69123, 2A004)."))
        if self.birth_postal_code and not POSTAL_CODE.match(self.birth_postal_code):
            found["birth_postal_code"] = str(_l("Un code postal a 5 chiffres (par exemple "
                                                "69003)."))
        if not INSEE_COUNTRY.match(self.birth_country_code or ""):
            found["birth_country_code"] = str(_l(
                "Le code INSEE d'un pays a 3 chiffres (100 pour la France), ou 5 en commençant "
                "par 99 (99100)."))
        if self.first_name_3 and not self.first_name_2:
            found["first_name_2"] = str(_l("Indiquez le deuxième prénom avant le troisième."))
        if self.birth_date and not date(1900, 1, 1) <= self.birth_date <= date.today():
            found["birth_date"] = str(_l("Indiquez une date de naissance passée, après 1900."))
        return found

    def missing_for_cpf(self) -> list[str]:
        """The names of what the CPF declaration still needs (empty: complete)."""
        present = {"birth_name": self.birth_name, "first_name_1": self.first_name_1,
                   "birth_date": self.birth_date, "sex": self.sex,
                   "birth_place": self.birth_insee_code or self.birth_postal_code}
        return [str(label) for key, label in REQUIRED_FOR_CPF.items() if not present[key]]

    def values(self) -> dict:
        return {f.name: getattr(self, f.name) or None for f in fields(self)}
