"""Labels (Flask-Babel msgids) of the session states."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workflows.session import SESSION

# The lifecycle names its states (msgids marked with N_ there): one wording for both.
SESSION_STATUS = {state: _l(text) for state, text in SESSION.state_labels.items()}

# The buttons that take a session from one state to the next (workflows.session.STEPS).
STEP_LABELS = {
    "open": _l("Ouvrir les inscriptions"),
    "start_exams": _l("Démarrer les épreuves"),
    "start_grading": _l("Passer à la correction"),
    "deliberate": _l("Passer en délibération"),
    "resume_grading": _l("Reprendre la correction"),
    "close": _l("Clore la session"),
}
