"""The form inviting a new member of the jury."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import INVALID_EMAIL
from ..core.forms import EmailAddress, Form


class InviteJurorForm(Form):
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"),
                        validators=[DataRequired(), EmailAddress(INVALID_EMAIL),
                                    Length(max=254)])
    organisation = StringField(_l("Organisation (entreprise, organisme)"),
                               validators=[Optional(), Length(max=200)])
    profession = StringField(_l("Profession"), validators=[Optional(), Length(max=200)])
    # Shown to the certifier's admins only: their jurors may serve every centre.
    open_to_all_centres = BooleanField(_l("Ouvert à tous les centres de formation"),
                                       default=True)
