"""The worker side of issuing documents: draw and seal a published enrolment's documents,
then tell the candidate. Idempotent: a second delivery issues nothing new and the
notification's key sends it once."""

from __future__ import annotations

from ..candidates.models import Enrolment
from ..extensions import db
from ..outbox.handlers import handler
from .operations import ISSUE_TASK, issue_documents, notify_available


@handler(ISSUE_TASK)
def issue(payload: dict) -> None:
    enrolment = db.session.get(Enrolment, payload["enrolment_id"])
    if enrolment is None:
        return
    notify_available(enrolment, issue_documents(enrolment))
