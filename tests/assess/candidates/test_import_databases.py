"""The import's set-wise writes (multi-row INSERT … RETURNING, ON CONFLICT) on SQLite and
on PostgreSQL: the same rows, the same audit trail, the same invitations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.accounts.models import User
from assess.audit.models import AuditEvent
from assess.candidates.models import Candidate, Enrolment
from assess.notifications.models import Notification
from assess.outbox.models import OutboxMessage
from assess.sessions.models import SessionStatus
from tests.assess.candidates.test_import import GOOD, csv_file


@pytest.fixture
def app_config(both_databases):
    return both_databases


def test_new_accounts_are_written_set_wise_with_their_trail(app, db, world):
    from assess.candidates.imports import import_file_now

    w = world(candidates=0, jurors=0, status=SessionStatus.ENROLMENT)
    with app.test_request_context():
        report, applied = import_file_now(w.centre_admin, w.session, csv_file(GOOD),
                                          valid_only=False, dry_run=False)
    assert applied and report.counts["created"] == 3
    db.session.expire_all()
    emails = {"lea.pere@exemple.fr", "paul.roux@exemple.fr", "zoe.nguyen@exemple.fr"}
    users = db.session.scalars(select(User).where(User.email.in_(emails))).all()
    assert {u.email for u in users} == emails
    assert all(u.active and u.password_hash is None and u.centre_id == w.centre.id
               for u in users)
    candidates = db.session.scalars(select(Candidate)).all()
    assert {c.user_id for c in candidates} == {u.id for u in users}
    enrolments = db.session.scalars(select(Enrolment)).all()
    assert sorted(len(e.blocks) for e in enrolments) == [1, 2, 3]
    actions = db.session.execute(select(AuditEvent.action, func.count()).group_by(
        AuditEvent.action)).all()
    assert {a: n for a, n in actions if a != "import.previewed"} == {
        "account.invited": 3, "candidate.created": 3, "enrolment.created": 3,
        "import.applied": 1}
    assert db.session.scalar(select(func.count(Notification.id))) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.task == "notifications.send", OutboxMessage.done_at.is_not(None))) == 3
