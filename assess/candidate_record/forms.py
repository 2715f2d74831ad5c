"""Correcting a candidate's identity from their record."""

from __future__ import annotations

from ..candidates.forms import IdentityForm


class IdentityEditForm(IdentityForm):
    """The same fields and checks as at enrolment; the names stay required."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.require_names() and ok
