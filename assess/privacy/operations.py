"""Recording an export: every archive downloaded is audited (who, for whom, what it
covers). Flushes, never commits."""

from __future__ import annotations

from flask_babel import gettext as _

from workflows.base import Refused

from ..audit.operations import record
from .permissions import can_export


class ExportRefused(Refused):
    """The archive asked for is not the actor's to have."""


def record_export(actor, scope) -> None:
    if not can_export(actor, scope):
        raise ExportRefused(_("Vous ne pouvez pas télécharger les données de ce candidat."))
    target = scope.candidates[0] if scope.candidates else scope.user
    record(actor, "privacy.exported", target, new={
        "user_id": scope.user.id, "candidate_ids": scope.candidate_ids,
        "enrolment_ids": scope.enrolment_ids, "whole_person": scope.whole_person,
        "by": "self" if getattr(actor, "id", None) == scope.user.id else str(actor.role)})
