"""The aménagement request and decision forms, on the candidate's record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from workflows.accommodation import Decision

from ..core.forms import Form
from .operations import Request


class RequestForm(Form):
    extra_time_percent = IntegerField(
        _l("Temps supplémentaire demandé (en pourcentage de la durée)"), default=0,
        validators=[Optional(), NumberRange(min=0, max=100, message=_l(
            "Indiquez un pourcentage entre 0 et 100."))])
    exception_reason = TextAreaField(
        _l("Dérogation au-delà d'un tiers : raison"), validators=[Length(max=2000)])
    human_aid = TextAreaField(_l("Aide humaine (secrétaire, lecteur…)"),
                              validators=[Length(max=2000)])
    technical_aid = TextAreaField(_l("Aide technique (ordinateur, logiciel…)"),
                                  validators=[Length(max=2000)])
    spread_over_sessions = BooleanField(_l("Épreuves étalées sur plusieurs sessions"))
    other = TextAreaField(_l("Autre aménagement"), validators=[Length(max=2000)])
    document = FileField(_l("Justificatif (PDF, JPEG ou PNG ; donnée de santé)"),
                         render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})

    def request(self) -> Request:
        return Request(extra_time_percent=self.extra_time_percent.data or 0,
                       exception_reason=self.exception_reason.data or "",
                       human_aid=self.human_aid.data or "",
                       technical_aid=self.technical_aid.data or "",
                       spread_over_sessions=bool(self.spread_over_sessions.data),
                       other=self.other.data or "")

    def add_problems(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            if name in self:
                self[name].errors = [*self[name].errors, message]


def decision_form(exams, suggested: dict[int, int], row=None, **kwargs):
    """The decision, with the extra minutes and aids of each épreuve (``minutes_<id>``,
    ``aids_<id>``), pre-filled with what was decided, or what the request suggests."""

    class DecisionForm(Form):
        decision = RadioField(_l("Décision"), validators=[InputRequired(_l(
            "Choisissez d'accorder ou de refuser."))], choices=[
            SelectChoice(Decision.GRANTED.value, _l("Accordé")),
            SelectChoice(Decision.REFUSED.value, _l("Refusé"))])
        note = TextAreaField(_l("Motif ou précision (facultatif)"),
                             validators=[Length(max=2000)])

    decided = {m.exam_id: m for m in (row.measures if row else [])}
    data = {"decision": str(row.status) if row and row.status != "requested" else None,
            "note": row.decision_note if row else ""}
    for exam in exams:
        setattr(DecisionForm, f"minutes_{exam.id}", IntegerField(
            _l("Bloc %(n)d : minutes supplémentaires", n=exam.block.number),
            validators=[Optional(), NumberRange(min=0, max=600)]))
        setattr(DecisionForm, f"aids_{exam.id}", StringField(
            _l("Bloc %(n)d : aides", n=exam.block.number), validators=[Length(max=500)]))
        measure = decided.get(exam.id)
        data[f"minutes_{exam.id}"] = measure.extra_minutes if measure else suggested.get(
            exam.id, 0)
        data[f"aids_{exam.id}"] = measure.aids if measure else ""
    return DecisionForm(data=data, **kwargs)


def measures_of(form, exams) -> dict[int, tuple[int, str]]:
    return {e.id: (form[f"minutes_{e.id}"].data or 0, form[f"aids_{e.id}"].data or "")
            for e in exams}

