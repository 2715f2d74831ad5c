"""Forms of the centre pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..accounts.forms import INVALID_EMAIL
from ..core.forms import EmailAddress, Form
from .operations import CentreError, normalize_siret


class CentreForm(Form):
    name = StringField(_l("Nom du centre"), validators=[
        DataRequired(_l("Indiquez le nom du centre de formation.")), Length(max=200)])
    siret = StringField(_l("SIRET (facultatif)"),
                        validators=[Optional(), Length(max=40)],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    city = StringField(_l("Ville"), validators=[Optional(), Length(max=120)],
                       render_kw={"autocomplete": "address-level2"})

    def validate_siret(self, field) -> None:
        try:
            field.data = normalize_siret(field.data)  # shown without spaces if re-displayed
        except CentreError as exc:
            raise ValidationError(str(exc)) from exc


class InviteCentreAdminForm(Form):
    first_name = StringField(_l("Prénom"), validators=[
        DataRequired(_l("Indiquez le prénom.")), Length(max=120)],
        render_kw={"autocomplete": "off"})
    last_name = StringField(_l("Nom"), validators=[
        DataRequired(_l("Indiquez le nom.")), Length(max=120)],
        render_kw={"autocomplete": "off"})
    email = EmailField(_l("Adresse e-mail"), validators=[
        DataRequired(_l("Indiquez l'adresse e-mail de la personne.")),
        EmailAddress(INVALID_EMAIL),
        Length(max=254)], render_kw={"autocomplete": "off", "spellcheck": "false"})
