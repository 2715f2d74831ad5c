"""The grille d'évaluation as a form: per criterion a level, an observation and evidence
(for bloc 3, evidence from the dossier and from the oral defence); then an overall
comment and, for bloc 3, « Candidat absent à l'oral ».

The fields depend on the bloc's criteria and the référentiel's scale, so the form class
is built per sheet. Field names carry the criterion id: ``level_<id>``,
``observation_<id>``, ``evidence_<id>``, ``oral_evidence_<id>``. Control characters
(NUL included) are refused by the app's base form, with a message beside the field.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Optional, ValidationError

from ..core.forms import Form
from .operations import MAX_COMMENT, MAX_EVIDENCE, MAX_OBSERVATION, clean_text

# What a posted field name may be; the id is a criterion's (checked against the bloc).
FIELD_NAME = re.compile(r"^(level|observation|evidence|oral_evidence)_(\d+)$")


class MaxText:
    """Length limit counted as stored (CRLF from browsers counts as one character)."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        count = len(clean_text(field.data))
        if count > self.limit:
            raise ValidationError(_l(
                "Texte trop long : %(count)d caractères pour %(limit)d au plus. "
                "Raccourcissez-le ; votre saisie a été conservée.",
                count=count, limit=self.limit))


class NotBlank:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not clean_text(field.data):
            raise ValidationError(self.message)


class Line(NamedTuple):
    criterion: object
    level: object
    observation: object
    evidence: object
    oral_evidence: object | None  # bloc 3 only


class SheetFormBase(Form):
    # The sheet version the form was loaded with (0: no sheet yet), for stale-edit checks.
    version = HiddenField(default="0")
    overall_comment = TextAreaField(
        _l("Appréciation générale (facultatif)"), validators=[MaxText(MAX_COMMENT)],
        render_kw={"rows": 4, "data-draft": "1", "data-max-chars": str(MAX_COMMENT)})

    criteria: list = []
    oral = False

    def expected_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except (TypeError, ValueError):
            return -1  # tampered: never matches, answered as a conflict

    def lines(self) -> list[Line]:
        """The fields of each criterion, in bloc order."""
        return [Line(c, self[level_name(c)], self[observation_name(c)], self[evidence_name(c)],
                     self[oral_evidence_name(c)] if self.oral else None)
                for c in self.criteria]

    def values(self) -> dict[int, dict]:
        """The typed values per criterion id, as the operations take them."""
        values = {}
        for line in self.lines():
            value = {"level": line.level.data or None,
                     "observation": line.observation.data or "",
                     "evidence": line.evidence.data or ""}
            if line.oral_evidence is not None:
                value["oral_evidence"] = line.oral_evidence.data or ""
            values[line.criterion.id] = value
        return values

    def sheet_fields(self) -> dict:
        fields = {"overall_comment": self.overall_comment.data or ""}
        if self.oral:
            fields["candidate_absent"] = bool(self.candidate_absent.data)
        return fields

    def text_fields(self) -> list:
        """Every free-text field, for the error summary."""
        fields = []
        for line in self.lines():
            fields += [f for f in (line.observation, line.evidence, line.oral_evidence) if f]
        return [*fields, self.overall_comment]

    def add_level_errors(self, codes: list[str], message: str) -> None:
        for line in self.lines():
            if line.criterion.code in codes:
                line.level.errors = [*line.level.errors, message]

    def add_observation_errors(self, codes: list[str], message: str) -> None:
        for line in self.lines():
            if line.criterion.code in codes:
                field = line.observation
                field.errors = [*field.errors, message]


def level_name(criterion) -> str:
    return f"level_{criterion.id}"


def observation_name(criterion) -> str:
    return f"observation_{criterion.id}"


def evidence_name(criterion) -> str:
    return f"evidence_{criterion.id}"


def oral_evidence_name(criterion) -> str:
    return f"oral_evidence_{criterion.id}"


def foreign_criteria(names, criteria) -> list[int]:
    """Criterion ids named by posted fields that are not the bloc's (a crafted request)."""
    ids = {c.id for c in criteria}
    return sorted({int(m.group(2)) for m in map(FIELD_NAME.match, names)
                   if m and int(m.group(2)) not in ids})


def initial_data(criteria, stored: dict[int, dict], version: int, own: dict) -> dict:
    """Form data from what the sheet holds (GET)."""
    data = {"version": str(version), "overall_comment": own.get("overall_comment") or "",
            "candidate_absent": bool(own.get("candidate_absent"))}
    for c in criteria:
        line = stored.get(c.id, {})
        data[level_name(c)] = line.get("level")
        data[observation_name(c)] = line.get("observation") or ""
        data[evidence_name(c)] = line.get("evidence") or ""
        data[oral_evidence_name(c)] = line.get("oral_evidence") or ""
    return data


def sheet_form(criteria, levels: list[dict], oral: bool = False, **kwargs) -> SheetFormBase:
    """Build the form for ``criteria`` with the scale ``levels`` ({code, label}); ``oral``
    for an épreuve defended at an oral (bloc 3)."""
    codes = [lv["code"] for lv in levels]
    choices = [SelectChoice(lv["code"], lv["label"]) for lv in levels]
    attrs = {"criteria": list(criteria), "oral": oral}
    text = {"data-draft": "1"}
    for c in criteria:
        attrs[level_name(c)] = RadioField(
            _l("Niveau atteint pour %(code)s", code=c.code), choices=choices,
            validate_choice=False,
            validators=[Optional(), AnyOf(codes, message=_l(
                "Choisissez un des niveaux de l'échelle."))])
        attrs[observation_name(c)] = TextAreaField(
            _l("Observation sur %(code)s", code=c.code), validators=[MaxText(MAX_OBSERVATION)],
            render_kw={"rows": 4, **text, "data-max-chars": str(MAX_OBSERVATION)})
        if oral:
            attrs[evidence_name(c)] = TextAreaField(
                _l("Éléments de preuve tirés du dossier pour %(code)s (facultatif)", code=c.code),
                validators=[MaxText(MAX_EVIDENCE)], render_kw={"rows": 2, **text})
            attrs[oral_evidence_name(c)] = TextAreaField(
                _l("Éléments de preuve tirés de la soutenance pour %(code)s (facultatif)",
                   code=c.code),
                validators=[MaxText(MAX_EVIDENCE)], render_kw={"rows": 2, **text})
        else:
            attrs[evidence_name(c)] = StringField(
                _l("Éléments de preuve pour %(code)s (facultatif)", code=c.code),
                validators=[MaxText(MAX_EVIDENCE)], render_kw=text)
    if oral:
        attrs["candidate_absent"] = BooleanField(
            _l("Candidat absent à l'oral"), render_kw={"data-draft-check": "1"})
    form_class = type("SheetForm", (SheetFormBase,), attrs)
    return form_class(**kwargs)


class ConfirmForm(Form):
    """The confirmation step of a submission: the version the juror saw summarised."""

    version = HiddenField(validators=[InputRequired()])

    def expected_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except (TypeError, ValueError):
            return -1


class ReopenForm(Form):
    reason = TextAreaField(
        _l("Motif de la réouverture"), validators=[
            NotBlank(_l("Indiquez pourquoi la grille est rouverte : "
                        "l'évaluateur recevra ce motif.")),
            MaxText(2000)],
        render_kw={"rows": 4})
