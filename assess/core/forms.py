"""The base of every form of the app: what no text field may let through.

Every text field (not a password) has its surrounding spaces stripped, so that a name of
spaces only is empty (and refused where required), and refuses control characters:
PostgreSQL cannot store a NUL, and no field has a use for the others (a multi-line field
keeps its line breaks and tabs). Dates are kept between 1900 and 2100: outside, they are
typing mistakes (and converting year 1 to UTC overflows).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import ValidationError

FIRST_YEAR, LAST_YEAR = 1900, 2100
_CONTROL = {True: re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"),  # keeps \t \n \r
            False: re.compile(r"[\x00-\x1f\x7f]")}


def strip(value):
    return value.strip() if isinstance(value, str) else value


class NoControlCharacters:
    def __init__(self, multiline: bool):
        self.pattern = _CONTROL[multiline]

    def __call__(self, form, field):
        if isinstance(field.data, str) and self.pattern.search(field.data):
            raise ValidationError(_l("Ce texte contient un caractère invisible non autorisé "
                                     "(caractère de contrôle) : retapez-le ou collez-le de "
                                     "nouveau sans mise en forme."))


class SaneDate:
    def __call__(self, form, field):
        value = field.data
        if isinstance(value, date | datetime) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(_l("Indiquez une date entre %(first)d et %(last)d.",
                                     first=FIRST_YEAR, last=LAST_YEAR))


class EmailAddress:
    """An e-mail address that could receive mail. While demo accounts are allowed, the
    reserved ``.test`` domain (the demo's) is accepted, so that a newcomer can enrol demo
    candidates."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        try:
            validate_email(field.data or "", check_deliverability=False,
                           test_environment=bool(current_app.config.get("DEMO_ALLOWED")))
        except EmailNotValidError as exc:
            raise ValidationError(self.message) from exc


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class, declared = unbound_field.field_class, unbound_field.kwargs
            extra = None
            if issubclass(field_class, StringField) and not issubclass(field_class,
                                                                       PasswordField):
                multiline = issubclass(field_class, TextAreaField)
                extra = NoControlCharacters(multiline)
                if not multiline:
                    options["filters"] = [strip, *declared.get("filters", ())]
            elif issubclass(field_class, DateField | DateTimeField):
                extra = SaneDate()
            if extra is not None:
                options["validators"] = [*declared.get("validators", ()), extra]
            return super().bind_field(form, unbound_field, options)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (each with its own label)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
