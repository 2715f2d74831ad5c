"""The e-mail preferences form: one check box per optional kind offered to the user."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from ..core.forms import Form, MultiCheckboxField
from .kinds import KINDS


class EmailPreferencesForm(Form):
    # Checked: receive it. A value that is not offered is refused by the operation, with a
    # message that says why (the always-sent e-mails cannot be turned off).
    receive = MultiCheckboxField(_l("E-mails facultatifs que vous recevez"),
                                 validate_choice=False)

    def offer(self, kinds: list[str]) -> EmailPreferencesForm:
        self.receive.choices = [SelectChoice(k, KINDS[k].label) for k in kinds]
        return self
