"""The appeal forms: the candidate's, and the answer of the admin or jury."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import Form


class AppealForm(Form):
    reason = TextAreaField(_l("Motif du recours"), validators=[
        DataRequired(message=_l("Expliquez pourquoi vous contestez ce résultat.")),
        Length(min=10, max=8000, message=_l("Entre 10 et 8 000 caractères."))],
        description=_l("Dites ce que vous contestez et pourquoi : une épreuve, une décision, "
                       "un aménagement…"))
    files = MultipleFileField(_l("Pièces jointes (facultatives)"),
                              description=_l("PDF, JPEG ou PNG ; trois fichiers au plus."))


class AnswerForm(Form):
    answer = TextAreaField(_l("Motif de la réponse"), validators=[
        DataRequired(message=_l("Écrivez le motif : le candidat le recevra.")),
        Length(min=10, max=8000, message=_l("Entre 10 et 8 000 caractères."))])
