"""Labels (Flask-Babel msgids) of the kinds of link between a juror and a candidate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..juries.models import LinkKind

LINK_KINDS = {
    LinkKind.TRAINER: _l("Formateur ou formatrice du candidat"),
    LinkKind.EMPLOYER: _l("Employeur du candidat"),
    LinkKind.COLLEAGUE: _l("Collègue du candidat"),
    LinkKind.RELATIVE: _l("Membre de la famille du candidat"),
    LinkKind.OTHER: _l("Autre lien"),
}
