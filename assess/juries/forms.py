"""The form inviting a new member of the jury."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, EmailField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import INVALID_EMAIL
from ..core.forms import EmailAddress, Form, MultiCheckboxField
from ..referential.models import ReferentialVersion
from ..referential.operations import latest_version


class InviteJurorForm(Form):
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"),
                        validators=[DataRequired(), EmailAddress(INVALID_EMAIL),
                                    Length(max=254)])
    organisation = StringField(_l("Entreprise"), validators=[Optional(), Length(max=200)])
    profession = StringField(_l("Poste"), validators=[Optional(), Length(max=200)])
    # The jury composition rules read these (workflows.jury_rules); the juror may correct
    # them later on their own profile page.
    is_professional = BooleanField(_l("Professionnel(le) des métiers visés"))
    works_for_certifier = BooleanField(_l("Travaille pour le certificateur"))
    blocks = MultiCheckboxField(_l("Blocs que le membre du jury peut évaluer"), coerce=int)
    # Shown to the certifier's admins only: their jurors may serve every centre.
    open_to_all_centres = BooleanField(_l("Ouvert à tous les centres de formation"),
                                       default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = latest_version(selectinload(ReferentialVersion.blocks))
        self.blocks.choices = [SelectChoice(b.number, _("Bloc %(n)d — %(title)s", n=b.number,
                                                        title=b.title))
                               for b in (version.blocks if version else ())]
