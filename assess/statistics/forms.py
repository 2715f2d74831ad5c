"""The statistics' filters (a GET form: bookmarkable, no CSRF needed). Values are checked
here (a number, a year); whether the user may see them is ``permissions.scope_for``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from ..core.forms import FIRST_YEAR, LAST_YEAR, Form

MAX_ID = 2**31 - 1  # beyond the database's integers nothing can match


class Identifier:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if value and not (value.isdigit() and 0 < int(value) <= MAX_ID):
            raise ValidationError(self.message)


class Year:
    def __call__(self, form, field):
        value = (field.data or "").strip()
        if value and not (value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR):
            raise ValidationError(_l("Indiquez une année entre %(first)d et %(last)d.",
                                     first=FIRST_YEAR, last=LAST_YEAR))


class StatisticsFilters(Form):
    class Meta:
        csrf = False

    # The choices are those the user may see; a value outside them is checked by
    # permissions.scope_for (403 for another centre), not refused as « not a choice ».
    annee = SelectField(_l("Année de publication"), validators=[Optional(), Year()],
                        validate_choice=False, default="")
    centre = SelectField(_l("Centre de formation"), validate_choice=False, default="",
                         validators=[Optional(), Identifier(_l("Choisissez un centre de la "
                                                                "liste."))])
    session = SelectField(_l("Session"), validate_choice=False, default="",
                          validators=[Optional(), Identifier(_l("Choisissez une session de "
                                                                 "la liste."))])

    def values(self) -> dict:
        """{"year", "centre_id", "session_id"}: ints or None (call after validate())."""
        def number(field):
            value = (field.data or "").strip()
            return int(value) if value else None

        return {"year": number(self.annee), "centre_id": number(self.centre),
                "session_id": number(self.session)}

    def offer(self, years: list[int], centres: list[tuple[int, str]],
              sessions: list[tuple[int, str, str]], *, one_centre: bool) -> None:
        self.annee.choices = [("", _l("Toutes"))] + [(str(y), str(y)) for y in years]
        self.centre.choices = [("", _l("Tous"))] + [(str(i), name) for i, name in centres]
        self.session.choices = [("", _l("Toutes"))] + [
            (str(i), name if one_centre else f"{name} ({centre})")
            for i, name, centre in sessions]
