"""Words of the allocation page: why a work could not get its evaluators."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from workflows import allocation as rules

# Each reason with how many jurors it ruled out (``%(num)d``).
EXCLUDED = {
    rules.BLOCK: lambda n: ngettext("%(num)d non habilité à évaluer ce bloc",
                                    "%(num)d non habilités à évaluer ce bloc", n),
    rules.AVAILABILITY: lambda n: ngettext("%(num)d indisponible pendant la correction",
                                           "%(num)d indisponibles pendant la correction", n),
    rules.CONFLICT: lambda n: ngettext("%(num)d avec un lien déclaré (conflit d'intérêts)",
                                       "%(num)d avec un lien déclaré (conflit d'intérêts)", n),
    rules.LOAD: lambda n: ngettext("%(num)d au maximum de copies",
                                   "%(num)d au maximum de copies", n),
}

NOBODY_ELSE = _l("aucun autre membre du jury dans le vivier du centre")


def reasons(shortfall: rules.Shortfall) -> str:
    """« 2 non habilités à évaluer ce bloc, 1 au maximum de copies »."""
    if not shortfall.excluded:
        return str(NOBODY_ELSE)
    return ", ".join(EXCLUDED[code](count) for code, count in shortfall.excluded)


def shortfall_text(shortfall: rules.Shortfall, candidate: str, block: int) -> str:
    """One work left short, for the flash message and the page."""
    return _("Bloc %(block)d — %(candidate)s : %(have)d évaluateur(s) sur %(need)d ; aucun "
             "autre membre du jury possible (%(why)s).", block=block, candidate=candidate,
             have=shortfall.evaluators, need=shortfall.needed, why=reasons(shortfall))
