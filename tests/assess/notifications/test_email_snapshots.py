"""What people receive, word for word: each kind of e-mail rendered for a French and an
English recipient, text and HTML parts, compared with the files in ``snapshots/``.
A change of wording shows up here as a diff to review; after reviewing it, write the new
snapshots with ``ASSESS_UPDATE_SNAPSHOTS=1 ./scripts/test tests/assess/notifications``."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("ASSESS_UPDATE_SNAPSHOTS") == "1"
DUE = datetime(2027, 3, 15, 16, 0)  # naive UTC: 17:00 in Paris
NOW = datetime(2027, 3, 14, 9, 0)


def _normalise(text: str) -> str:
    # The only parts that change from run to run: signed tokens and the generated ids.
    text = re.sub(r"/invitation/[\w.\-]+", "/invitation/<token>", text)
    return text.replace("\r\n", "\n")


def _check(name: str, message) -> None:
    for subtype in ("plain", "html"):
        got = _normalise(message.get_body((subtype,)).get_content())
        got = f"Subject: {message['Subject']}\nTo: {message['To']}\n\n{got}"
        path = SNAPSHOTS / f"{name}.{'txt' if subtype == 'plain' else 'html'}"
        if UPDATE or not path.exists():
            if not UPDATE:
                pytest.fail(f"no snapshot {path.name}: review the e-mail, then write it with "
                            "ASSESS_UPDATE_SNAPSHOTS=1")
            path.write_text(got, encoding="utf-8")
        assert got == path.read_text(encoding="utf-8"), f"{path.name} changed"


@pytest.fixture
def people(world, db):
    from tests.factories import create_user

    w = world(candidates=0, jurors=0, assign_all=False)
    w.fr = create_user("juror", email="sophie@example.test", first_name="Sophie",
                       last_name="Martin")
    w.en = create_user("juror", email="sam@example.test", first_name="Sam", last_name="Taylor",
                       locale="en")
    w.newcomer = create_user("candidate", email="lea@example.test", first_name="Léa",
                             last_name="Dupont", password=None, centre=w.centre)
    w.session.name = "Session de printemps"
    db.session.commit()
    return w


def _sent(mail_outbox) -> dict[str, object]:
    found = {m["To"]: m for m in mail_outbox}
    assert len(found) == len(mail_outbox), Counter(m["To"] for m in mail_outbox)
    return found


def test_the_assignment_batch(people, db, mail_outbox):
    from assess.juries.messages import notify_batch
    from assess.outbox import relay
    from tests.factories import assign, create_user, enrol

    w = people
    exam = w.session.exams[0]
    exam.grading_due_at = DUE
    candidate = create_user("candidate", centre=w.centre)
    enrolment = enrol(w.session, candidate)
    notify_batch([assign(w.fr, enrolment, exam), assign(w.en, enrolment, exam)], "snap")
    relay.commit()
    sent = _sent(mail_outbox)
    _check("assignments.fr", sent["sophie@example.test"])
    _check("assignments.en", sent["sam@example.test"])


def test_the_grading_reminder(people, db, mail_outbox):
    from assess.allocation.tasks import queue_grading_reminders
    from assess.outbox import relay
    from tests.factories import assign, create_user, enrol

    w = people
    exam = w.session.exams[0]
    exam.grading_due_at = DUE
    enrolment = enrol(w.session, create_user("candidate", centre=w.centre))
    assign(w.fr, enrolment, exam)
    assign(w.en, enrolment, exam)
    queue_grading_reminders(NOW)
    relay.commit()
    sent = _sent(mail_outbox)
    _check("grading_reminder.fr", sent["sophie@example.test"])
    _check("grading_reminder.en", sent["sam@example.test"])


def test_the_deliverable_reminder_to_someone_without_a_password(people, db, mail_outbox):
    from assess.outbox import relay
    from assess.sessions.models import ExamPart, PartKind
    from assess.submissions.scheduled_reminders import queue_deliverable_reminders
    from tests.factories import enrol

    w = people
    for part in db.session.scalars(select(ExamPart)):
        part.submission_deadline = DUE if part.kind == PartKind.DOSSIER else None
    enrol(w.session, w.newcomer)
    queue_deliverable_reminders(NOW)
    relay.commit()
    _check("deliverable_reminder.new_account.fr", _sent(mail_outbox)["lea@example.test"])


def test_the_invitation(people, db, mail_outbox, app):
    from assess.accounts.operations import invite_user
    from assess.outbox import relay

    w = people
    with app.test_request_context():
        invite_user(w.admin, email="nadia@example.test", role="juror", first_name="Nadia",
                    last_name="Roux")
        relay.commit()
    _check("invitation.fr", _sent(mail_outbox)["nadia@example.test"])
