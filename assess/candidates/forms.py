"""The enrolment form: an existing or a new candidate, the whole title or some blocs."""

from __future__ import annotations

from dataclasses import fields

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Length, Optional, ValidationError

from ..accounts.forms import INVALID_EMAIL
from ..core.forms import EmailAddress, Form, MultiCheckboxField
from .identity import Identity
from .labels import ACCESS_ROUTE
from .models import AccessRoute

FULL, PARTIAL = "full", "partial"
EXISTING, NEW = "existing", "new"


class IdentityForm(Form):
    """The identity the CPF declaration needs; only the birth name and the first name are
    required to enrol (the rest may follow, the candidate's page says what is missing)."""

    birth_name = StringField(_l("Nom de naissance"), validators=[Length(max=60)],
                             render_kw={"autocomplete": "family-name"})
    usage_name = StringField(_l("Nom d'usage (facultatif)"), validators=[Length(max=60)])
    first_name_1 = StringField(_l("Premier prénom"), validators=[Length(max=60)],
                               render_kw={"autocomplete": "given-name"})
    first_name_2 = StringField(_l("Deuxième prénom (facultatif)"), validators=[Length(max=60)])
    first_name_3 = StringField(_l("Troisième prénom (facultatif)"), validators=[Length(max=60)])
    birth_date = DateField(_l("Date de naissance"), validators=[Optional()])
    sex = SelectField(_l("Sexe"), default="", choices=[
        SelectChoice("", _l("— non renseigné —")), SelectChoice("F", _l("Féminin (F)")),
        SelectChoice("M", _l("Masculin (M)"))])
    birth_insee_code = StringField(_l("Code INSEE de la commune de naissance"),
                                   render_kw={"inputmode": "text", "autocomplete": "off"})
    birth_postal_code = StringField(_l("ou code postal de naissance"),
                                    render_kw={"inputmode": "numeric", "autocomplete": "off"})
    birth_commune = StringField(_l("Commune de naissance"), validators=[Length(max=60)])
    birth_country_code = StringField(_l("Code INSEE du pays de naissance"), default="100",
                                     render_kw={"inputmode": "numeric"})
    access_route = SelectField(_l("Voie d'accès"), default=AccessRoute.CONTINUING.value,
                               choices=[SelectChoice(r.value, ACCESS_ROUTE[r])
                                        for r in AccessRoute])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # The shapes the CPF schema expects, each by its field, in the same pass as the rest.
        problems = {name: message for name, message in self.identity().normalised()
                    .problems().items() if not self[name].errors}
        self.add_problems(problems)
        return ok and not problems

    def identity(self) -> Identity:
        return Identity(**{name: self[name].data or ("" if name != "birth_date" else None)
                           for name in IDENTITY_FIELDS})

    def add_problems(self, problems: dict[str, str]) -> None:
        """Put each refusal of the identity next to its field."""
        for name, message in problems.items():
            self[name].errors = [*self[name].errors, message]

    def require_names(self) -> bool:
        ok = True
        for f in (self.birth_name, self.first_name_1):
            if not (f.data or "").strip():
                f.errors = [*f.errors, _l("Ce champ est obligatoire pour un nouveau candidat.")]
                ok = False
        return ok


IDENTITY_FIELDS = tuple(f.name for f in fields(Identity))


class EnrolForm(IdentityForm):
    who = RadioField(_l("Candidat"), default=EXISTING, choices=[
        SelectChoice(EXISTING, _l("Un candidat déjà enregistré dans le centre")),
        SelectChoice(NEW, _l("Un nouveau candidat (il recevra une invitation par e-mail)")),
    ])
    candidate_id = SelectField(_l("Candidat existant"), coerce=int, validators=[Optional()])
    email = EmailField(_l("Adresse e-mail"), validators=[Length(max=254)])
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
        ok = self.require_names()
        if not (self.email.data or "").strip():
            self.email.errors.append(_l("Ce champ est obligatoire pour un nouveau candidat."))
            ok = False
        else:
            try:
                EmailAddress(INVALID_EMAIL)(self, self.email)
            except ValidationError as exc:
                self.email.errors.append(str(exc))
                ok = False
        return ok


class ImportUploadForm(Form):
    """The file is read and checked by ``imports.preview_import`` (type, encoding, rows)."""

    file = FileField(
        _l("Fichier des candidats (CSV ou XLSX)"),
        validators=[FileRequired(_l("Choisissez le fichier CSV ou XLSX à importer."))],
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
                             "officedocument.spreadsheetml.sheet"},
    )


class ImportConfirmForm(Form):
    mode = RadioField(_l("Que faut-il importer ?"), default="all", choices=[
        SelectChoice("all", _l("Toutes les lignes")),
        SelectChoice("valid", _l("Seulement les lignes valides"))])
