"""``assess candidates import FILE --session ID [--valid-only] [--dry-run]``: its lines,
its summary and its exit status."""

from __future__ import annotations

from sqlalchemy import func, select

from assess.audit.models import AuditEvent
from assess.candidates.models import Candidate, Enrolment
from assess.sessions.models import SessionStatus
from tests.assess.candidates.test_import import BAD, GOOD, csv_file


def run(app, *args):
    return app.test_cli_runner().invoke(args=["candidates", "import", *args])


def enrolled(db, session):
    db.session.expire_all()
    return db.session.scalar(select(func.count(Enrolment.id))
                             .where(Enrolment.session_id == session.id))


def test_a_file_with_invalid_rows_is_refused_with_line_and_column(app, db, world, tmp_path):
    w = world(candidates=0, jurors=0, status=SessionStatus.ENROLMENT)
    path = tmp_path / "candidats.csv"
    path.write_bytes(csv_file(GOOD + BAD))
    result = run(app, str(path), "--session", str(w.session.id))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("line 5, column email: Adresse e-mail invalide")
    assert lines[1].startswith("line 6, column email: Cette adresse figure déjà ligne 2")
    assert lines[-1] == "nothing imported: 3 created, 0 updated, 0 unchanged, 2 refused"
    assert enrolled(db, w.session) == 0


def test_dry_run_writes_nothing_and_valid_only_imports_then_nothing_changes(app, db, world,
                                                                            tmp_path):
    w = world(candidates=0, jurors=0, status=SessionStatus.ENROLMENT)
    path = tmp_path / "candidats.csv"
    path.write_bytes(csv_file(GOOD + BAD))
    sid = str(w.session.id)
    result = run(app, str(path), "--session", sid, "--valid-only", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == ("dry run: 3 created, 0 updated, 0 unchanged, "
                                              "2 refused")
    assert enrolled(db, w.session) == 0

    result = run(app, str(path), "--session", sid, "--valid-only")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("imported: 3 created, 0 updated, 0 unchanged, "
                                              "2 refused")
    assert enrolled(db, w.session) == 3
    created = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "candidate.created")).all()
    assert len(created) == 3 and {e.actor_id for e in created} == {None}  # the system

    result = run(app, str(path), "--session", sid, "--valid-only")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == ("imported: 0 created, 0 updated, 3 unchanged, "
                                              "2 refused")
    assert db.session.scalar(select(func.count(Candidate.id))) == 3


def test_an_unreadable_file_or_a_closed_session_exits_1(app, db, world, tmp_path):
    w = world(candidates=0, jurors=0, status=SessionStatus.ENROLMENT)
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    result = run(app, str(empty), "--session", str(w.session.id))
    assert result.exit_code == 1 and "vide" in result.stderr
    good = tmp_path / "ok.csv"
    good.write_bytes(csv_file(GOOD))
    w.session.status = SessionStatus.GRADING
    db.session.commit()
    result = run(app, str(good), "--session", str(w.session.id))
    assert result.exit_code == 1 and enrolled(db, w.session) == 0
    assert run(app, str(good), "--session", "999999").exit_code == 1
