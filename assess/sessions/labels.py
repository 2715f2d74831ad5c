"""French labels (Flask-Babel msgids) for the states and kinds shown on the session pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workflows.session import SESSION

from ..candidates.models import AccessRoute
from ..grading.models import SheetStatus
from .models import PartKind, SessionStatus

# The lifecycle names its states (msgids marked with N_ there): one wording for both.
SESSION_STATUS = {SessionStatus(state): _l(text) for state, text in SESSION.state_labels.items()}

PART_KIND = {
    PartKind.WRITTEN: _l("Épreuve écrite"),
    PartKind.PRACTICAL: _l("Étude de cas pratique"),
    PartKind.DOSSIER: _l("Dossier"),
    PartKind.ORAL: _l("Soutenance orale"),
}

ACCESS_ROUTE = {
    AccessRoute.INITIAL: _l("Formation initiale"),
    AccessRoute.INITIAL_APPRENTICESHIP: _l("Formation initiale (apprentissage)"),
    AccessRoute.CONTINUING: _l("Formation continue"),
    AccessRoute.CONTINUING_PRO_CONTRACT: _l("Formation continue (contrat de professionnalisation)"),
    AccessRoute.VAE: _l("Validation des acquis de l'expérience (VAE)"),
    AccessRoute.FOREIGN_EQUIVALENCE: _l("Équivalence de diplôme étranger"),
    AccessRoute.INDEPENDENT: _l("Candidat libre"),
}

SHEET_STATUS = {
    None: _l("grille non commencée"),
    SheetStatus.DRAFT: _l("grille en brouillon"),
    SheetStatus.SUBMITTED: _l("grille soumise"),
}


def label(table: dict, value) -> str:
    """The label of ``value`` (an enum member or its string), or the value itself."""
    for key, text in table.items():
        if key == value or (key is not None and str(key) == str(value)):
            return str(text)
    return "" if value is None else str(value)
