"""The oral planning forms: the plan (windows typed one per line), moving a slot, and a
slot's panel (a role per juror)."""

from __future__ import annotations

import re
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from ..core.forms import Form
from .operations import DayWindow

LINE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h]"
                  r"(\d{2})$")
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class PlanForm(Form):
    windows = TextAreaField(
        _l("Plages horaires (une par ligne : JJ/MM/AAAA HH:MM-HH:MM)"),
        validators=[InputRequired(_l("Indiquez au moins une plage horaire.")),
                    Length(max=4000)])
    slot_minutes = IntegerField(_l("Durée d'un créneau (minutes)"), default=45, validators=[
        InputRequired(_l("Indiquez la durée d'un créneau.")),
        NumberRange(min=5, max=480, message=_l("Entre 5 et 480 minutes."))])
    break_minutes = IntegerField(_l("Pause entre deux créneaux (minutes)"), default=15,
                                 validators=[NumberRange(min=0, max=120, message=_l(
                                     "Entre 0 et 120 minutes."))])
    rooms = TextAreaField(_l("Salles (une par ligne)"), validators=[
        InputRequired(_l("Indiquez au moins une salle.")), Length(max=2000)])

    def validate_windows(self, field) -> None:
        self.parsed = []
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = LINE.match(line)
            try:
                d, m, y, h1, m1, h2, m2 = (int(g) for g in match.groups()) if match else ()
                self.parsed.append(DayWindow(date(y, m, d), time(h1, m1), time(h2, m2)))
            except (TypeError, ValueError) as exc:
                raise ValidationError(_l(
                    "Ligne %(n)d : écrivez par exemple « 15/03/2027 09:00-12:30 ».",
                    n=number)) from exc

    def day_windows(self) -> list[DayWindow]:
        return getattr(self, "parsed", [])

    def room_names(self) -> list[str]:
        return [r.strip() for r in (self.rooms.data or "").splitlines() if r.strip()]


def plan_form(plan, **kwargs) -> PlanForm:
    data = {}
    if plan is not None:
        data = {"slot_minutes": plan.slot_minutes, "break_minutes": plan.break_minutes,
                "rooms": "\n".join(plan.rooms), "windows": "\n".join(
                    f"{date.fromisoformat(w['day']).strftime('%d/%m/%Y')} "
                    f"{w['start']}-{w['end']}" for w in plan.windows)}
    return PlanForm(data=data, **kwargs)


class MoveForm(Form):
    room = StringField(_l("Salle"), validators=[InputRequired(_l("Indiquez la salle.")),
                                                Length(max=120)])
    starts_at = DateTimeLocalField(_l("Début"), format=DATETIME_LOCAL,
                                   validators=[InputRequired(_l("Indiquez l'heure."))])
    minutes = IntegerField(_l("Durée (minutes)"), validators=[
        InputRequired(_l("Indiquez la durée.")), NumberRange(min=5, max=600)])

    def starts_utc(self):
        return to_utc(self.starts_at.data)


def move_form(slot, **kwargs) -> MoveForm:
    form = MoveForm(prefix=f"s{slot.id}", data={
        "room": slot.room,
        "starts_at": to_user_timezone(slot.starts_at).replace(tzinfo=None),
        "minutes": int((slot.ends_at - slot.starts_at).total_seconds() // 60)}, **kwargs)
    return form


PANEL_ROLES = (SelectChoice("", _l("—")), SelectChoice("member", _l("Membre")),
               SelectChoice("president", _l("Président(e)")))


class PanelForm(Form):
    """One select per juror who may sit on the slot's panel; fields added per slot."""

    jurors: list = []
    refusal = ""  # why the last save was refused, shown beside the form

    def roles(self) -> dict[int, str]:
        return {j.id: self[f"j{j.id}"].data for j in self.jurors if self[f"j{j.id}"].data}


def panel_form(slot, jurors, posted: bool = False, unavailable=frozenset(),
               **kwargs) -> PanelForm:
    """``jurors``: those who may sit (the current members among them, even if they no
    longer may, so that they can be taken off). ``posted``: read the roles from the request
    only, a juror left out being off the panel. ``unavailable``: the jurors who declared no
    availability that day, said beside their name before the admin chooses."""
    current = {m.juror_id: m.role for m in slot.panel}
    listed = list(jurors) + [m.juror for m in slot.panel
                             if m.juror_id not in {j.id for j in jurors}]
    fields = {f"j{j.id}": SelectField(_juror_label(j, j.id in unavailable),
                                      choices=list(PANEL_ROLES), default="")
              for j in listed}
    form_class = type("SlotPanelForm", (PanelForm,), fields)
    data = {} if posted else {f"j{j.id}": current.get(j.id, "") for j in listed}
    form = form_class(prefix=f"p{slot.id}", data=data, **kwargs)
    form.jurors = listed
    return form


def _juror_label(juror, unavailable: bool = False) -> str:
    label = f"{juror.full_name} — {juror.profession}" if juror.profession else juror.full_name
    return f"{label} ({_('indisponible ce jour')})" if unavailable else label
