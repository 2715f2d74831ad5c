"""The invariants migration on a database the earlier code filled: rows that would break a
new rule are mended, nothing is lost, and the downgrade gives the earlier shape back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import make_config

BEFORE = "70bc21530081"  # the initial schema


@pytest.fixture
def migrated(tmp_path, both_databases):
    from flask_migrate import upgrade

    from assess import create_app
    from assess.extensions import db

    app = create_app(make_config(tmp_path, **both_databases))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def _scalar(sql: str, **params):
    from assess.extensions import db

    with db.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def _run(sql: str, **params) -> None:
    from assess.extensions import db

    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _filled(db):
    """Demo data, a handed-in file, a finished job, a notification being sent, a reset."""
    from assess.accounts.models import LoginFailure, ThrottleKind
    from assess.core.columns import utcnow
    from assess.demo.operations import build_demo
    from assess.jobs.models import Job, JobStatus
    from assess.notifications.models import Notification, NotificationStatus
    from assess.referential.operations import store
    from assess.submissions.models import StoredFile, Submission
    from rubrics.loader import load

    store(load())
    demo = build_demo()
    session = demo["session"]
    admin = session.created_by_id
    enrolment_id = db.session.scalar(sa.text("SELECT MIN(id) FROM enrolments"))
    submission = Submission(enrolment_id=enrolment_id, exam_id=session.exams[0].id)
    db.session.add(submission)
    db.session.flush()
    db.session.add(StoredFile(submission_id=submission.id, original_name="a.pdf",
                              content_type="application/pdf", size=3, sha256="a" * 64,
                              storage_key="aa/aa/" + "a" * 64, uploaded_by_id=admin))
    db.session.add(Job(kind="compute_results", session_id=session.id, status=JobStatus.DONE,
                       finished_at=utcnow()))
    db.session.add(Notification(key="k", event="e", recipient_email="x@example.org",
                                subject="s", body="b", status=NotificationStatus.SENDING,
                                claimed_at=utcnow()))
    db.session.add(LoginFailure(kind=ThrottleKind.RESET, email="x@example.org", address="ip"))
    db.session.commit()
    return session.id, submission.id


def test_downgrade_then_upgrade_mends_and_keeps_the_data(migrated):
    from flask_migrate import downgrade, upgrade

    from assess.extensions import db

    session_id, submission_id = _filled(db)
    users = _scalar("SELECT COUNT(*) FROM users")
    db.session.remove()

    downgrade(revision=BEFORE)
    # The earlier shape: a claim was "sent", a reset request a prefixed e-mail.
    assert _scalar("SELECT status FROM notifications WHERE key = 'k'") == "sent"
    assert _scalar("SELECT email FROM login_failures") == "reset:x@example.org"
    # What the earlier code could leave behind: a second live file, a second active job.
    _run("INSERT INTO stored_files (submission_id, original_name, content_type, size, sha256, "
         "storage_key, uploaded_by_id, uploaded_at) SELECT submission_id, 'b.pdf', "
         "content_type, size, sha256, storage_key, uploaded_by_id, uploaded_at "
         "FROM stored_files")
    for _ in range(2):
        _run("INSERT INTO jobs (kind, status, session_id, done, total, created_at) "
             "VALUES ('compute_results', 'queued', :s, 0, 0, CURRENT_TIMESTAMP)", s=session_id)

    upgrade()
    assert _scalar("SELECT COUNT(*) FROM users") == users
    assert _scalar("SELECT COUNT(*) FROM stored_files") == 2
    assert _scalar("SELECT original_name FROM stored_files WHERE superseded_at IS NULL "
                   "AND submission_id = :s", s=submission_id) == "b.pdf"
    # (The demo's other session has its own computation queued: not this one's.)
    assert _scalar("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running') "
                   "AND session_id = :s", s=session_id) == 1
    assert _scalar("SELECT COUNT(*) FROM jobs WHERE status = 'failed' "
                   "AND finished_at IS NOT NULL AND session_id = :s", s=session_id) == 1
    assert _scalar("SELECT kind || ' ' || email FROM login_failures") == "reset x@example.org"
    assert _scalar("SELECT COUNT(*) FROM level_codes") == 3
    assert _scalar("SELECT version FROM exam_parts LIMIT 1") == 1
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        _run("UPDATE audit_events SET action = 'forged'")
    with pytest.raises(sa.exc.IntegrityError):
        _run("INSERT INTO notifications (key, event, recipient_email, subject, body, status, "
             "created_at) VALUES ('k2', 'e', 'x', 's', 'b', 'sending', CURRENT_TIMESTAMP)")


def test_candidate_identity_starts_from_the_account_names(migrated):
    from flask_migrate import downgrade, upgrade

    from assess.demo.operations import build_demo
    from assess.extensions import db
    from assess.referential.operations import store
    from rubrics.loader import load

    store(load())
    build_demo()
    db.session.commit()
    db.session.remove()

    downgrade(revision="b2e8f4a6c1d9")  # before the identity columns
    upgrade()
    rows = _scalar("SELECT COUNT(*) FROM candidates c JOIN users u ON u.id = c.user_id "
                   "WHERE c.birth_name = u.last_name AND c.first_name_1 = u.first_name "
                   "AND c.birth_country_code = '100' AND c.sex IS NULL")
    assert rows == _scalar("SELECT COUNT(*) FROM candidates") == 6  # the demo's
    with pytest.raises(sa.exc.IntegrityError):
        _run("UPDATE candidates SET sex = 'X'")


def test_addresses_are_put_in_lower_case_and_kept_so(migrated):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="d4a7c9e1b356")  # before addresses were checked
    _run("INSERT INTO users (email, first_name, last_name, role, active, is_demo, "
         "open_to_all_centres, created_at) VALUES (' Camille.Martin@Example.ORG', 'C', 'M', "
         "'juror', true, false, false, CURRENT_TIMESTAMP)")
    upgrade()
    assert _scalar("SELECT email FROM users") == "camille.martin@example.org"
    with pytest.raises(sa.exc.IntegrityError):
        _run("UPDATE users SET email = 'Camille.Martin@example.org'")


def test_two_addresses_differing_by_case_stop_the_migration(migrated):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="d4a7c9e1b356")
    for email in ("a@example.org", "A@example.org"):
        _run("INSERT INTO users (email, first_name, last_name, role, active, is_demo, "
             "open_to_all_centres, created_at) VALUES (:e, 'A', 'B', 'juror', true, false, "
             "false, CURRENT_TIMESTAMP)", e=email)
    with pytest.raises(SystemExit):  # Flask-Migrate logs the RuntimeError, then exits 1
        upgrade()
    assert _scalar("SELECT COUNT(*) FROM users WHERE email = 'A@example.org'") == 1


def test_deliverables_downgrade_keeps_one_live_file_per_submission(migrated):
    """Two live deliverables of one submission: the downgrade (one live file per
    submission) keeps the latest current and marks the other replaced; nothing is deleted,
    and the upgrade names the foundation's files « document »."""
    from flask_migrate import downgrade, upgrade

    from assess.demo.operations import build_demo
    from assess.extensions import db
    from assess.referential.operations import store
    from rubrics.loader import load

    store(load())
    build_demo()
    db.session.commit()
    db.session.remove()
    enrolment = _scalar("SELECT MIN(id) FROM enrolments")
    exam = _scalar("SELECT MIN(id) FROM exams")
    user = _scalar("SELECT MIN(id) FROM users")
    _run("INSERT INTO submissions (enrolment_id, exam_id, status, created_at, updated_at) "
         "VALUES (:e, :x, 'submitted', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", e=enrolment, x=exam)
    submission = _scalar("SELECT MAX(id) FROM submissions")
    for n, deliverable in enumerate(("audit", "budget")):
        _run("INSERT INTO stored_files (submission_id, original_name, content_type, size, "
             "sha256, storage_key, uploaded_by_id, uploaded_at, deliverable, late, on_behalf) "
             "VALUES (:s, :name, 'application/pdf', 10, :sha, :key, :u, CURRENT_TIMESTAMP, "
             ":d, false, false)", s=submission, name=f"{deliverable}.pdf", sha=str(n) * 64,
             key=f"k{n}", u=user, d=deliverable)
    downgrade(revision="b8e1a3c5d790")
    assert _scalar("SELECT COUNT(*) FROM stored_files") == 2
    assert _scalar("SELECT original_name FROM stored_files WHERE superseded_at IS NULL") == (
        "budget.pdf")
    upgrade()
    assert _scalar("SELECT COUNT(DISTINCT deliverable) FROM stored_files") == 1
    assert _scalar("SELECT MIN(deliverable) FROM stored_files") == "document"
