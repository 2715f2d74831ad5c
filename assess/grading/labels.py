"""Labels (Flask-Babel msgids) of the grading sheets and their fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import SheetStatus

SHEET_STATUS = {
    None: _l("grille non commencée"),
    SheetStatus.DRAFT: _l("grille en brouillon"),
    SheetStatus.SUBMITTED: _l("grille soumise"),
}

# What the juror's list says of each assignment (queries.work_status).
WORK_STATUS = {
    "not_started": _l("non commencée"),
    "draft": _l("brouillon"),
    "submitted": _l("soumise"),
    "withdrawn": _l("retiré(e)"),
}

FIELD_LABELS = {"level": _l("Niveau"), "observation": _l("Observation"),
                "evidence": _l("Éléments de preuve"),
                "oral_evidence": _l("Éléments de preuve de la soutenance"),
                "overall_comment": _l("Appréciation générale"),
                "candidate_absent": _l("Candidat absent à l'oral")}
