"""The CPF page's forms: the range shown (GET), the export of that range, the report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField
from wtforms.validators import DataRequired, Optional

from ..core.forms import Form


class RangeForm(Form):
    """The holders awarded in a period (read from the query string)."""

    class Meta:
        csrf = False

    du = DateField(_l("Titre obtenu du"), validators=[Optional()])
    au = DateField(_l("au"), validators=[Optional()])


class ExportForm(Form):
    du = DateField(_l("Du"), validators=[DataRequired(message=_l("Indiquez le début."))])
    au = DateField(_l("Au"), validators=[DataRequired(message=_l("Indiquez la fin."))])


class ReportForm(Form):
    file = FileField(
        _l("Rapport de traitement de la CDC (XML)"),
        validators=[FileRequired(_l("Choisissez le fichier XML du rapport de traitement."))],
        render_kw={"accept": ".xml,application/xml,text/xml"})
