"""Forms of the session pages. Datetimes are typed in Paris time and stored in naive UTC."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..candidates.models import AccessRoute
from .labels import ACCESS_ROUTE, PART_KIND, label
from .models import PartKind
from .operations import PartSchedule

INVALID_EMAIL = _l("Adresse e-mail invalide : vérifiez-la (exemple : prenom.nom@centre.fr).")

# Browsers send minutes, some with seconds; the first format is the one rendered.
DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class SessionForm(FlaskForm):
    name = StringField(_l("Nom de la session"), validators=[InputRequired(), Length(max=200)])
    centre_id = SelectField(_l("Centre de formation"), coerce=int,
                            validators=[InputRequired()])
    starts_on = DateField(_l("Date de début"), validators=[InputRequired()])
    ends_on = DateField(_l("Date de fin"), validators=[InputRequired()])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("La date de fin doit être postérieure à la date de début."))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


FULL, PARTIAL = "full", "partial"
EXISTING, NEW = "existing", "new"


class EnrolForm(FlaskForm):
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


class InviteJurorForm(FlaskForm):
    first_name = StringField(_l("Prénom"), validators=[InputRequired(), Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"),
                        validators=[InputRequired(), Email(INVALID_EMAIL),
                                    Length(max=254)])
    organisation = StringField(_l("Organisation (entreprise, organisme)"),
                               validators=[Optional(), Length(max=200)])
    profession = StringField(_l("Profession"), validators=[Optional(), Length(max=200)])


def schedule_form(parts):
    """A form with four fields per exam part, named ``p<id>_<field>``, pre-filled in Paris time."""

    class ScheduleForm(FlaskForm):
        pass

    for part in parts:
        deadline_validators = ([InputRequired(_l("La date limite de dépôt du dossier est "
                                                 "obligatoire."))]
                               if part.kind == PartKind.DOSSIER else [Optional()])
        fields = {
            "starts_at": DateTimeLocalField(_l("Début"), format=DATETIME_LOCAL,
                                            validators=[Optional()]),
            "duration": IntegerField(_l("Durée (minutes)"), validators=[
                Optional(), NumberRange(min=1, max=24 * 60,
                                        message=_l("Indiquez une durée entre 1 et 1440 minutes."))]),
            "place": StringField(_l("Lieu"), validators=[Optional(), Length(max=300)]),
            "deadline": DateTimeLocalField(_l("Date limite de dépôt"), format=DATETIME_LOCAL,
                                           validators=deadline_validators),
        }
        for key, f in fields.items():
            setattr(ScheduleForm, f"p{part.id}_{key}", f)
    data = {}
    for part in parts:
        data.update({f"p{part.id}_starts_at": _local(part.starts_at),
                     f"p{part.id}_duration": part.duration_minutes,
                     f"p{part.id}_place": part.place,
                     f"p{part.id}_deadline": _local(part.submission_deadline)})
    return ScheduleForm(data=data)


def part_fields(form, part) -> dict:
    return {key: form[f"p{part.id}_{key}"]
            for key in ("starts_at", "duration", "place", "deadline")}


def schedule_values(form, parts) -> dict[int, PartSchedule]:
    """The typed values converted to naive UTC, by part id."""
    values = {}
    for part in parts:
        f = part_fields(form, part)
        values[part.id] = PartSchedule(
            starts_at=_utc(f["starts_at"].data), duration_minutes=f["duration"].data,
            place=(f["place"].data or "").strip() or None,
            submission_deadline=_utc(f["deadline"].data))
    return values


def part_label(part) -> str:
    return label(PART_KIND, part.kind)


def _local(value):
    return to_user_timezone(value).replace(tzinfo=None) if value is not None else None


def _utc(value):
    return to_utc(value) if value is not None else None
