"""The enrolment form: an existing or a new candidate, the whole title or some blocs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import Email, Length, Optional, ValidationError

from ..accounts.forms import INVALID_EMAIL
from ..core.forms import Form
from .labels import ACCESS_ROUTE
from .models import AccessRoute


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


FULL, PARTIAL = "full", "partial"
EXISTING, NEW = "existing", "new"


class EnrolForm(Form):
    who = RadioField(_l("Candidat"), default=EXISTING, choices=[
        SelectChoice(EXISTING, _l("Un candidat déjà enregistré dans le centre")),
        SelectChoice(NEW, _l("Un nouveau candidat (il recevra une invitation par e-mail)")),
    ])
    candidate_id = SelectField(_l("Candidat existant"), coerce=int, validators=[Optional()])
    first_name = StringField(_l("Prénom"), validators=[Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[Length(max=120)])
    email = EmailField(_l("Adresse e-mail"), validators=[Length(max=254)])
    access_route = SelectField(_l("Voie d'accès"), default=AccessRoute.CONTINUING.value,
                               choices=[SelectChoice(r.value, ACCESS_ROUTE[r]) for r in AccessRoute])
    birth_date = DateField(_l("Date de naissance (facultatif)"), validators=[Optional()])
    scope = RadioField(_l("Parcours"), default=FULL, choices=[
        SelectChoice(FULL, _l("Titre complet (tous les blocs)")),
        SelectChoice(PARTIAL, _l("Certains blocs seulement")),
    ])
    blocks = MultiCheckboxField(_l("Blocs présentés"), coerce=int)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.who.data == EXISTING and not self.candidate_id.data:
            self.candidate_id.errors.append(_l("Choisissez un candidat dans la liste."))
            ok = False
        if self.who.data == NEW:
            ok = self._validate_new() and ok
        if self.scope.data == PARTIAL and not self.blocks.data:
            self.blocks.errors.append(_l("Cochez au moins un bloc."))
            ok = False
        return ok

    def _validate_new(self) -> bool:
        ok = True
        for f in (self.first_name, self.last_name, self.email):
            if not (f.data or "").strip():
                f.errors.append(_l("Ce champ est obligatoire pour un nouveau candidat."))
                ok = False
        if (self.email.data or "").strip():
            try:
                Email(INVALID_EMAIL)(self, self.email)
            except ValidationError as exc:
                self.email.errors.append(str(exc))
                ok = False
        return ok
