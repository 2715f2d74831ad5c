"""Labels (Flask-Babel msgids) of convocations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.labels import label

BRING = {
    "written": _l("Une pièce d'identité en cours de validité et de quoi écrire."),
    "practical": _l("Une pièce d'identité en cours de validité, et l'ordinateur portable "
                    "demandé par le centre pour l'étude de cas pratique."),
    "dossier": _l("Rien : le dossier se dépose en ligne sur la plateforme."),
    "oral": _l("Une pièce d'identité en cours de validité et le support de présentation de "
               "votre soutenance."),
}


def bring(kind: str) -> str:
    return label(BRING, kind)
