"""The allocation settings form. Deadlines are typed in Paris time and stored in naive UTC,
as on the schedule of the épreuves (``sessions.forms``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from wtforms import DateTimeLocalField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..core.forms import Form
from ..sessions.forms import DATETIME_LOCAL
from .operations import Settings

MIN_EVALUATORS, MAX_EVALUATORS = 1, 5


def due_name(exam) -> str:
    return f"due_{exam.id}"


def settings_form(session, exams, **kwargs):
    """The number of evaluators, the maximum load, and a grading deadline per written
    épreuve (``due_<exam id>``), pre-filled from what is stored."""

    class SettingsForm(Form):
        evaluators_per_work = IntegerField(
            _l("Évaluateurs par copie"),
            validators=[InputRequired(_l("Indiquez un nombre d'évaluateurs entre 1 et 5.")),
                        NumberRange(min=MIN_EVALUATORS, max=MAX_EVALUATORS,
                                    message=_l("Indiquez un nombre d'évaluateurs entre 1 "
                                               "et 5."))])
        max_sheets_per_juror = IntegerField(
            _l("Copies au plus par membre du jury"),
            validators=[Optional(), NumberRange(min=1, max=10000, message=_l(
                "Indiquez un nombre de copies d'au moins 1, ou laissez vide (sans limite)."))])

    for exam in exams:
        setattr(SettingsForm, due_name(exam), DateTimeLocalField(
            _l("Date limite de correction du bloc %(n)d", n=exam.block.number),
            format=DATETIME_LOCAL, validators=[Optional()]))
    data = {"evaluators_per_work": session.evaluators_per_work,
            "max_sheets_per_juror": session.max_sheets_per_juror}
    data.update({due_name(x): _local(x.grading_due_at) for x in exams})
    return SettingsForm(data=data, **kwargs)


def settings_values(form, exams) -> Settings:
    return Settings(evaluators_per_work=form.evaluators_per_work.data,
                    max_sheets_per_juror=form.max_sheets_per_juror.data,
                    grading_due={x.id: _utc(form[due_name(x)].data) for x in exams})


def add_problems(form, exams, problems: dict[int, str]) -> None:
    """Put each refused deadline next to its field."""
    by_id = {x.id: x for x in exams}
    for exam_id, message in problems.items():
        field = form[due_name(by_id[exam_id])]
        field.errors = [*field.errors, message]


def _local(value):
    return to_user_timezone(value).replace(tzinfo=None) if value is not None else None


def _utc(value):
    return to_utc(value) if value is not None else None
