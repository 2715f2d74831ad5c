"""The account page's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..core.forms import Form
from .operations import Profile


class ProfileForm(Form):
    first_name = StringField(_l("Prénom"), validators=[InputRequired(_l("Indiquez le prénom.")),
                                                       Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[InputRequired(_l("Indiquez le nom.")),
                                                   Length(max=120)])
    organisation = StringField(_l("Organisation (jurés)"), validators=[Length(max=200)])
    profession = StringField(_l("Profession (jurés)"), validators=[Length(max=200)])

    def profile(self) -> Profile:
        return Profile(self.first_name.data or "", self.last_name.data or "",
                       self.organisation.data or "", self.profession.data or "")


class DeactivateForm(Form):
    reason = TextAreaField(_l("Raison de la désactivation"), validators=[
        InputRequired(_l("Indiquez pourquoi ce compte est désactivé.")), Length(max=1000)])
