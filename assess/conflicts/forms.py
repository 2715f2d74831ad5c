"""The forms of a declared link: the juror's own, and the admin's record of a known link.

The candidate (and, for an admin, the juror) is checked by the operation, which explains
an unknown or out-of-reach choice in words; the form only keeps what was posted."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..core.forms import Form
from ..juries.models import LinkKind
from .labels import LINK_KINDS
from .operations import MAX_DETAIL


def kind_choices() -> list[SelectChoice]:
    return [SelectChoice(k.value, text) for k, text in LINK_KINDS.items()]


class _LinkFields(Form):
    kind = RadioField(_l("Nature du lien"), choices=kind_choices(), validate_choice=False)
    detail = TextAreaField(
        _l("Précisions"),
        validators=[Length(max=MAX_DETAIL, message=_l(
            "Le détail est limité à %(max)d caractères (%(length)d saisis) : raccourcissez-le."))])

    def validate_kind(self, field):
        if field.data not in {k.value for k in LinkKind}:
            raise ValidationError(_l("Choisissez la nature du lien parmi celles proposées."))

    def validate_detail(self, field):
        if self.kind.data == LinkKind.OTHER.value and not (field.data or "").strip():
            raise ValidationError(_l("Précisez le lien : c'est obligatoire pour « Autre "
                                     "lien »."))


class OwnLinkForm(_LinkFields):
    # "a<assignment id>" or "e<enrolment id>": the radio buttons are drawn by the page
    # from its choices (queries.Choice); the operation checks the value.
    candidate = HiddenField(_l("Candidat"))
    q = HiddenField()  # the search the choices came from, to draw them again on an error

    def validate_candidate(self, field):
        if not field.data:
            raise ValidationError(_l("Choisissez le candidat : l'un de ceux qui vous sont "
                                     "attribués, ou cherchez-le par son nom."))


def _number(value) -> int | None:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    return int(value) if 0 < int(value) < 2**31 else None


class KnownLinkForm(_LinkFields):
    juror = SelectField(_l("Membre du jury"), validate_choice=False)
    enrolment = SelectField(_l("Candidat"), validate_choice=False)

    def offer(self, jurors, enrolments) -> KnownLinkForm:
        self.juror.choices = [SelectChoice("", _l("— Choisissez —"))] + [
            SelectChoice(str(j.id), f"{j.last_name} {j.first_name}") for j in jurors]
        self.enrolment.choices = [SelectChoice("", _l("— Choisissez —"))] + [
            SelectChoice(str(e.id), f"{e.candidate.user.last_name} "
                                    f"{e.candidate.user.first_name}") for e in enrolments]
        return self

    def validate_juror(self, field):
        if not field.data:
            raise ValidationError(_l("Choisissez le membre du jury."))

    def validate_enrolment(self, field):
        if not field.data:
            raise ValidationError(_l("Choisissez le candidat."))

    @property
    def juror_id(self) -> int | None:
        return _number(self.juror.data)

    @property
    def enrolment_id(self) -> int | None:
        return _number(self.enrolment.data)
