"""Recording an absence or a withdrawal from the candidate's record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length

from ..core.forms import Form
from .models import Attendance

CLEAR = "present"


class AttendanceForm(Form):
    status = RadioField(_l("Présence à l'épreuve"), default=CLEAR, choices=[
        SelectChoice(CLEAR, _l("Attendu(e) ou présent(e)")),
        SelectChoice(Attendance.ABSENT.value, _l("Absent(e)")),
        SelectChoice(Attendance.WITHDRAWN.value, _l("Désisté(e)")),
    ])
    on_date = DateField(_l("Date (de l'absence, ou de l'annonce du désistement)"),
                        validators=[InputRequired(_l("Indiquez la date."))])
    note = TextAreaField(_l("Précision (facultatif)"), validators=[Length(max=1000)])


def attendance_form(exam_id: int, **kwargs) -> AttendanceForm:
    """Unique field ids per épreuve, so that labels and errors point at the right input."""
    form = AttendanceForm(prefix=f"exam{exam_id}", **kwargs)
    return form
