"""Labels (Flask-Babel msgids) of the dashboard."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_FILTERS = {
    "missing": _l("Dépôt manquant"),
    "late": _l("Dépôt en retard"),
    "absent": _l("Absent(e) à une épreuve"),
    "withdrawn": _l("Désisté(e) d'une épreuve"),
    "sheets_missing": _l("Grille non soumise"),
}

CELL = {
    "not_enrolled": _l("non présenté"),
    "absent": _l("absent(e)"),
    "withdrawn": _l("désisté(e)"),
    "late": _l("déposé en retard"),
    "received": _l("déposé"),
    "missing": _l("non déposé"),
    "no_hand_in": _l("sans dépôt"),
}


def cell_state(cell, takes_hand_in: bool) -> str:
    """The key of ``CELL`` that says where one candidate stands in one épreuve."""
    if not cell.enrolled:
        return "not_enrolled"
    if cell.attendance:
        return cell.attendance
    if cell.uploaded_at is not None:
        return "late" if cell.late else "received"
    return "missing" if takes_hand_in else "no_hand_in"
