"""Labels (Flask-Babel msgids) of the grading sheets and their fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import SheetStatus

SHEET_STATUS = {
    None: _l("grille non commencée"),
    SheetStatus.DRAFT: _l("grille en brouillon"),
    SheetStatus.SUBMITTED: _l("grille soumise"),
}

FIELD_LABELS = {"level": _l("Niveau"), "observation": _l("Observation"),
                "evidence": _l("Éléments de preuve")}
