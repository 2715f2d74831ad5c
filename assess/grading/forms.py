"""The grille d'évaluation as a form: one level, observation and evidence per criterion.

The fields depend on the bloc's criteria and the référentiel's scale, so the form class
is built per sheet. Field names carry the criterion id: ``level_<id>``, ``observation_<id>``,
``evidence_<id>``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, Optional, ValidationError

from ..core.forms import Form
from .operations import MAX_EVIDENCE, MAX_OBSERVATION, clean_text


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


class SheetFormBase(Form):
    # The sheet version the form was loaded with (0: no sheet yet), for stale-edit checks.
    version = HiddenField(default="0")

    criteria: list = []

    def expected_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except (TypeError, ValueError):
            return -1  # tampered: never matches, answered as a conflict

    def lines(self) -> list[tuple]:
        """(criterion, level field, observation field, evidence field) in bloc order."""
        return [(c, self[level_name(c)], self[observation_name(c)], self[evidence_name(c)])
                for c in self.criteria]

    def values(self) -> dict[int, dict]:
        """The typed values per criterion id, as the operations take them."""
        return {c.id: {"level": level.data or None, "observation": obs.data or "",
                       "evidence": ev.data or ""}
                for c, level, obs, ev in self.lines()}

    def add_level_errors(self, codes: list[str], message: str) -> None:
        for c, level, _obs, _ev in self.lines():
            if c.code in codes:
                level.errors = [*level.errors, message]


def level_name(criterion) -> str:
    return f"level_{criterion.id}"


def observation_name(criterion) -> str:
    return f"observation_{criterion.id}"


def evidence_name(criterion) -> str:
    return f"evidence_{criterion.id}"


def initial_data(criteria, stored: dict[int, dict], version: int) -> dict:
    """Form data from what the sheet holds (GET)."""
    data = {"version": str(version)}
    for c in criteria:
        line = stored.get(c.id, {})
        data[level_name(c)] = line.get("level")
        data[observation_name(c)] = line.get("observation") or ""
        data[evidence_name(c)] = line.get("evidence") or ""
    return data


def sheet_form(criteria, levels: list[dict], **kwargs) -> SheetFormBase:
    """Build the form for ``criteria`` with the scale ``levels`` ({code, label})."""
    codes = [lv["code"] for lv in levels]
    choices = [SelectChoice(lv["code"], lv["label"]) for lv in levels]
    attrs = {"criteria": list(criteria)}
    for c in criteria:
        attrs[level_name(c)] = RadioField(
            _l("Niveau atteint pour %(code)s", code=c.code), choices=choices,
            validate_choice=False,
            validators=[Optional(), AnyOf(codes, message=_l(
                "Choisissez un des niveaux de l'échelle."))])
        attrs[observation_name(c)] = TextAreaField(
            _l("Observation sur %(code)s", code=c.code), validators=[MaxText(MAX_OBSERVATION)],
            render_kw={"rows": 4, "data-draft": "1"})
        attrs[evidence_name(c)] = StringField(
            _l("Éléments de preuve pour %(code)s (facultatif)", code=c.code),
            validators=[MaxText(MAX_EVIDENCE)], render_kw={"data-draft": "1"})
    form_class = type("SheetForm", (SheetFormBase,), attrs)
    return form_class(**kwargs)
