"""Signing a PV: the password re-entered, and the hash of the content the member read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired

from ..core.forms import Form


class SignForm(Form):
    password = PasswordField(_l("Votre mot de passe"), validators=[DataRequired(
        message=_l("Saisissez votre mot de passe pour signer."))],
        render_kw={"autocomplete": "current-password"})
    content_sha256 = HiddenField()
