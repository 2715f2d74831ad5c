"""Labels (Flask-Babel msgids) of aménagements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workflows.accommodation import Decision

DECISION = {
    Decision.REQUESTED: _l("demandé, à décider"),
    Decision.GRANTED: _l("accordé"),
    Decision.REFUSED: _l("refusé"),
}
