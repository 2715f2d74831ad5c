"""The retention periods form: one number of months per kind of document."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..core.forms import Form
from .models import MAX_MONTHS, RetentionKind

LABELS = {
    RetentionKind.PAPERS: _l("Copies et dossiers déposés"),
    RetentionKind.OBSERVATIONS: _l("Observations des grilles d'évaluation"),
    RetentionKind.HEALTH_DOCUMENTS: _l("Justificatifs médicaux des aménagements"),
    RetentionKind.MINUTES: _l("Procès-verbaux de délibération"),
    RetentionKind.ATTESTATIONS: _l("Attestations de blocs et certificats"),
    RetentionKind.AWARDS: _l("Décisions du jury et résultats"),
}


def _months(label):
    return IntegerField(label, validators=[
        InputRequired(message=_l("Indiquez une durée en mois.")),
        NumberRange(min=1, max=MAX_MONTHS, message=_l(
            "Indiquez un nombre de mois entre 1 et %(max)d.", max=MAX_MONTHS))],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_MONTHS})


class PeriodsForm(Form):
    pass


for _kind in RetentionKind:
    setattr(PeriodsForm, _kind.value, _months(LABELS[_kind]))
