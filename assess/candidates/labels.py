"""Labels (Flask-Babel msgids) of the candidates' access routes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import AccessRoute, ImportStatus

# In the CPF's own words (its « voie d'accès » values).
ACCESS_ROUTE = {
    AccessRoute.INITIAL: _l("Formation initiale hors apprentissage"),
    AccessRoute.INITIAL_APPRENTICESHIP: _l("Formation initiale en apprentissage"),
    AccessRoute.CONTINUING: _l("Formation continue hors contrat de professionnalisation"),
    AccessRoute.CONTINUING_PRO_CONTRACT: _l("Formation continue en contrat de professionnalisation"),
    AccessRoute.VAE: _l("Validation des acquis de l'expérience (VAE)"),
    AccessRoute.FOREIGN_EQUIVALENCE: _l("Équivalence (diplôme étranger)"),
    AccessRoute.INDEPENDENT: _l("Candidat libre"),
}

IMPORT_STATUS = {
    ImportStatus.PREVIEWED: _l("aperçu, rien d'écrit"),
    ImportStatus.CONFIRMED: _l("en cours"),
    ImportStatus.DONE: _l("importé"),
    ImportStatus.FAILED: _l("échoué"),
    ImportStatus.CANCELLED: _l("annulé"),
}

IMPORT_OUTCOME = {
    "created": _l("créée"),
    "updated": _l("mise à jour"),
    "unchanged": _l("inchangée"),
    "refused": _l("refusée"),
}
