"""The deliberation's forms: opening it, and one decision form per candidate's bloc."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form


class OpenForm(Form):
    held_on = DateField(_l("Date de la délibération"), validators=[DataRequired(
        message=_l("Indiquez la date de la délibération."))])
    place = StringField(_l("Lieu"), validators=[Optional(), Length(max=300)],
                        description=_l("Par exemple « Lille, 12 rue Nationale » ou « en "
                                       "visioconférence »."))


class ConfirmForm(Form):
    """A button that changes something: its CSRF token and nothing else."""


OUTCOMES = (SelectChoice("validated", _l("Validé")),
            SelectChoice("not_validated", _l("Non validé")))


def decision_form(bloc, scale, *, formdata=None, prefix: str = ""):
    """The form deciding ``bloc`` (a queries.BlocLine): a level and a reason for each
    disputed criterion, then the bloc's outcome and its reason. Filled with the current
    decisions; ``formdata`` (a failed POST) keeps what was typed."""
    disputes = [c for c in bloc.criteria if c.disputed]
    levels = [SelectChoice(lv.code, lv.label) for lv in scale.levels]

    class DecisionForm(Form):
        pass

    for i, line in enumerate(disputes):
        setattr(DecisionForm, f"level_{i}", SelectField(
            _l("Niveau retenu pour %(code)s", code=line.code),
            choices=[SelectChoice("", _l("— choisir —")), *levels],
            validators=[DataRequired(message=_l("Choisissez le niveau que le jury retient."))]))
        setattr(DecisionForm, f"why_{i}", TextAreaField(
            _l("Raison du niveau retenu pour %(code)s", code=line.code),
            validators=[Optional(), Length(max=4000)]))
    DecisionForm.outcome = RadioField(_l("Décision du jury"), choices=OUTCOMES, validators=[
        DataRequired(message=_l("Choisissez « validé » ou « non validé ».")) ])
    DecisionForm.reason = TextAreaField(
        _l("Raison de la décision"), validators=[Optional(), Length(max=4000)],
        description=_l("Obligatoire si la décision diffère de la proposition."))
    data = {}
    for i, line in enumerate(disputes):
        if line.retained is not None:
            data[f"level_{i}"], data[f"why_{i}"] = line.retained.level, line.retained.reason
    if bloc.decision is not None:
        data["outcome"], data["reason"] = str(bloc.decision.outcome), bloc.decision.reason
    elif bloc.proposed in ("validated", "not_validated"):
        data["outcome"] = bloc.proposed
    form = DecisionForm(formdata=formdata, data=data, prefix=prefix)
    form.disputes = disputes
    return form


def levels_of(form) -> dict[str, tuple[str, str | None]]:
    return {line.code: (getattr(form, f"level_{i}").data, getattr(form, f"why_{i}").data)
            for i, line in enumerate(form.disputes)}
