"""Labels (Flask-Babel msgids) of the candidates' access routes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import AccessRoute

ACCESS_ROUTE = {
    AccessRoute.INITIAL: _l("Formation initiale"),
    AccessRoute.INITIAL_APPRENTICESHIP: _l("Formation initiale (apprentissage)"),
    AccessRoute.CONTINUING: _l("Formation continue"),
    AccessRoute.CONTINUING_PRO_CONTRACT: _l("Formation continue (contrat de professionnalisation)"),
    AccessRoute.VAE: _l("Validation des acquis de l'expérience (VAE)"),
    AccessRoute.FOREIGN_EQUIVALENCE: _l("Équivalence de diplôme étranger"),
    AccessRoute.INDEPENDENT: _l("Candidat libre"),
}
