"""Forms of the session pages. Datetimes are typed in Paris time and stored in naive UTC."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..core.forms import Form
from ..referential.labels import part_label
from .models import DEADLINE_REQUIRED, WITHOUT_DEADLINE
from .operations import PartSchedule

# Browsers send minutes, some with seconds; the first format is the one rendered.
DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class SessionForm(Form):
    name = StringField(_l("Nom de la session"), validators=[DataRequired(), Length(max=200)])
    centre_id = SelectField(_l("Centre de formation"), coerce=int,
                            validators=[InputRequired()])
    starts_on = DateField(_l("Date de début"), validators=[InputRequired()])
    ends_on = DateField(_l("Date de fin"), validators=[InputRequired()])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("La date de fin doit être postérieure à la date de début."))


FIELDS = ("starts_at", "duration", "place", "remote", "deadline")


def _fields_of(part) -> tuple[str, ...]:
    """The fields a part has: the oral takes nothing handed in, so no deadline."""
    return tuple(f for f in FIELDS if not (f == "deadline" and part.kind in WITHOUT_DEADLINE))


def schedule_form(parts, **kwargs):
    """A form with the fields of each exam part, named ``p<id>_<field>``, pre-filled in
    Paris time, and the part's version (``p<id>_version``) for the stale-edit check.
    ``kwargs`` go to the form (``formdata=None``: the stored values only)."""

    class ScheduleForm(Form):
        pass

    for part in parts:
        deadline_validators = ([InputRequired(_l("La date limite de dépôt du dossier est "
                                                 "obligatoire."))]
                               if part.kind in DEADLINE_REQUIRED else [Optional()])
        fields = {
            "starts_at": DateTimeLocalField(_l("Début"), format=DATETIME_LOCAL,
                                            validators=[Optional()]),
            "duration": IntegerField(_l("Durée (minutes)"), validators=[
                Optional(), NumberRange(min=1, max=24 * 60,
                                        message=_l("Indiquez une durée entre 1 et 1440 minutes."))]),
            "place": StringField(_l("Lieu"), validators=[Optional(), Length(max=300)]),
            "remote": BooleanField(_l("À distance")),
            "deadline": DateTimeLocalField(_l("Date limite de dépôt"), format=DATETIME_LOCAL,
                                           validators=deadline_validators),
            "version": HiddenField(),
        }
        for key in (*_fields_of(part), "version"):
            setattr(ScheduleForm, f"p{part.id}_{key}", fields[key])
    return ScheduleForm(data=_stored(parts), **kwargs)


def _stored(parts) -> dict:
    data = {}
    for part in parts:
        data.update({f"p{part.id}_starts_at": _local(part.starts_at),
                     f"p{part.id}_duration": part.duration_minutes,
                     f"p{part.id}_place": part.place,
                     f"p{part.id}_remote": part.remote,
                     f"p{part.id}_deadline": _local(part.submission_deadline),
                     f"p{part.id}_version": str(part.version)})
    return data


def part_fields(form, part) -> dict:
    """The part's fields by name (``deadline`` is None for the oral)."""
    return {key: form[f"p{part.id}_{key}"] if key in _fields_of(part) else None
            for key in FIELDS}


def schedule_values(form, parts) -> dict[int, PartSchedule]:
    """The typed values converted to naive UTC, by part id, with the version each part had
    when the form was loaded (-1 if tampered with: never matches)."""
    values = {}
    for part in parts:
        f = part_fields(form, part)
        raw_version = form[f"p{part.id}_version"].data or ""
        values[part.id] = PartSchedule(
            starts_at=_utc(f["starts_at"].data), duration_minutes=f["duration"].data,
            place=(f["place"].data or "").strip() or None,
            remote=bool(f["remote"].data),
            submission_deadline=_utc(f["deadline"].data) if f["deadline"] else None,
            expected_version=int(raw_version) if raw_version.isdigit() else -1)
    return values


def add_schedule_problems(form, problems: dict[tuple[int, str], str]) -> None:
    """Put each refused date next to its field."""
    for (part_id, key), message in problems.items():
        field = form[f"p{part_id}_{key}"]
        field.errors = [*field.errors, message]


def refresh_versions(form, parts) -> None:
    """After a conflict: the next save knowingly replaces what is stored now."""
    for part in parts:
        form[f"p{part.id}_version"].data = str(part.version)


def differences(form, parts) -> list[dict]:
    """The fields whose stored value (changed by someone else) differs from the typed one,
    as both are displayed, for the conflict message."""
    stored = schedule_form(parts, formdata=None)
    rows = []
    for part in parts:
        for key in _fields_of(part):
            name = f"p{part.id}_{key}"
            if stored[name]._value() != form[name]._value():
                block = _("Bloc %(n)d", n=part.exam.block.number)
                rows.append({"what": f"{block} · {part_label(part.kind)}",
                             "field": form[name].label.text,
                             "stored": stored[name]._value(), "typed": form[name]._value()})
    return rows


def _local(value):
    return to_user_timezone(value).replace(tzinfo=None) if value is not None else None


def _utc(value):
    return to_utc(value) if value is not None else None
