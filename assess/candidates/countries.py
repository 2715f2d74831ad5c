"""Country of birth typed as a name in an import file, to its INSEE code (COG, « code
pays » without its leading 99).

Only the countries a French training centre meets most often are listed: the full
official table is not packaged for Python, and a wrong guess would end up in the CPF
declaration. Any other name is refused with a request for the three-digit code.
"""

from __future__ import annotations

import unicodedata

# INSEE's code → the names people type for that country.
_NAMES = {
    "100": ("France",),
    "109": ("Allemagne",),
    "110": ("Autriche",),
    "114": ("Roumanie",),
    "122": ("Pologne",),
    "123": ("Russie", "Fédération de Russie"),
    "126": ("Grèce",),
    "127": ("Italie",),
    "131": ("Belgique",),
    "132": ("Royaume-Uni", "Angleterre", "Grande-Bretagne"),
    "134": ("Espagne",),
    "135": ("Pays-Bas", "Hollande"),
    "136": ("Irlande",),
    "137": ("Luxembourg",),
    "139": ("Portugal",),
    "140": ("Suisse",),
    "155": ("Ukraine",),
    "205": ("Liban",),
    "208": ("Turquie",),
    "216": ("Chine",),
    "217": ("Japon",),
    "223": ("Inde",),
    "243": ("Viêt Nam", "Vietnam"),
    "312": ("République démocratique du Congo", "RDC", "Congo-Kinshasa"),
    "322": ("Cameroun",),
    "324": ("Congo", "Congo-Brazzaville", "République du Congo"),
    "326": ("Côte d'Ivoire",),
    "333": ("Madagascar",),
    "335": ("Mali",),
    "341": ("Sénégal",),
    "350": ("Maroc",),
    "351": ("Tunisie",),
    "352": ("Algérie",),
    "401": ("Canada",),
    "404": ("États-Unis", "Etats-Unis d'Amérique", "USA"),
}


def simplified(text: str) -> str:
    """Lower case, without accents, spaces, hyphens, apostrophes or underscores."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower()
                   if c.isalnum() and not unicodedata.combining(c))


BY_NAME = {simplified(name): code for code, names in _NAMES.items() for name in names}


def country_code(name: str) -> str | None:
    """The INSEE code of a country typed by name, or None when it is not known here."""
    return BY_NAME.get(simplified(name))
