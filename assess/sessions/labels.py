"""Labels (Flask-Babel msgids) of the session states."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workflows.session import SESSION

# The lifecycle names its states (msgids marked with N_ there): one wording for both.
SESSION_STATUS = {state: _l(text) for state, text in SESSION.state_labels.items()}
