"""The certifier's revocation form: the reason is mandatory and kept in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import Form
from .operations import MAX_REASON


class RevokeForm(Form):
    reason = TextAreaField(_l("Motif de la révocation"), validators=[
        DataRequired(message=_l("Indiquez le motif de la révocation : il est conservé dans "
                                "le journal d'audit.")),
        Length(min=5, max=MAX_REASON, message=_l("Entre 5 et 2 000 caractères."))],
        description=_l("Par exemple : erreur matérielle sur le nom, décision annulée. La page "
                       "de vérification indiquera que le document est révoqué, avec la date."))
