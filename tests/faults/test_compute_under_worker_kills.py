"""Defect: after a whole-worker crash « Calculer » and « Publier » stayed blocked for about
16 minutes, the computation's lease outliving the worker. Now a running job renews its
lease with each progress report (its heartbeat), and the sweep takes it over soon after a
worker dies. The worker's process group is SIGKILLed mid-computation 5 times: each time
the results are complete, correct and not duplicated, well within two minutes of the
restart."""

from __future__ import annotations

import os
import signal
import time

import pytest
from sqlalchemy import func, insert, select

from tests.processes import group_alive, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

CANDIDATES = 1000
KILLS = int(os.environ.get("ASSESS_FAULT_COMPUTE_KILLS", "5"))


def _seed(db, n: int):
    """A session of ``n`` candidates, every bloc graded « acquis » by one juror, written in
    a few bulk statements."""
    from assess.accounts.models import Role, User
    from assess.candidates.models import Candidate, Enrolment, enrolment_blocks
    from assess.core.columns import utcnow
    from assess.grading.models import CriterionMark, GradingSheet, SheetStatus
    from assess.juries.models import Assignment
    from assess.referential.operations import store
    from assess.sessions.models import SessionStatus
    from rubrics.loader import load
    from tests.factories import create_centre, create_session, create_user

    version, _ = store(load())
    centre = create_centre()
    session = create_session(version, centre, status=SessionStatus.DELIBERATION)
    juror, admin = create_user("juror"), create_user("centre_admin", centre=centre)

    def bulk(model, rows):
        return list(db.session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True), rows))

    users = bulk(User, [{"email": f"c{i}@faults.test", "role": Role.CANDIDATE,
                         "first_name": "C", "last_name": str(i), "centre_id": centre.id}
                        for i in range(n)])
    candidates = bulk(Candidate, [{"user_id": u, "centre_id": centre.id} for u in users])
    enrolments = bulk(Enrolment, [{"session_id": session.id, "candidate_id": c}
                                  for c in candidates])
    exams = list(session.exams)
    db.session.execute(insert(enrolment_blocks), [
        {"enrolment_id": e, "block_id": x.block_id} for e in enrolments for x in exams])
    pairs = [(e, x) for e in enrolments for x in exams]
    assignments = bulk(Assignment, [{"juror_id": juror.id, "enrolment_id": e,
                                     "exam_id": x.id} for e, x in pairs])
    now = utcnow()
    sheets = bulk(GradingSheet, [{"assignment_id": a, "status": SheetStatus.SUBMITTED,
                                  "submitted_at": now, "updated_at": now}
                                 for a in assignments])
    criteria = {x.id: [c.id for c in x.block.criteria] for x in exams}
    db.session.execute(insert(CriterionMark), [
        {"sheet_id": s, "criterion_id": c, "level": "acquis", "observation": ""}
        for s, (_e, x) in zip(sheets, pairs, strict=True) for c in criteria[x.id]])
    db.session.commit()
    return session, admin


def test_a_computation_survives_its_worker_being_killed(fault_stack):
    from assess.audit.models import AuditEvent
    from assess.extensions import db
    from assess.jobs.models import Job, JobStatus
    from assess.outbox import relay
    from assess.results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
    from assess.results.operations import start_compute

    stack = fault_stack
    session, admin = _seed(db, CANDIDATES)
    session_id = session.id

    def job_state(job_id):
        db.session.rollback()
        return db.session.execute(select(Job.status, Job.done).where(Job.id == job_id)).one()

    recoveries = []
    for _ in range(KILLS):
        db.session.rollback()
        job = start_compute(admin, db.session.get(type(session), session_id))
        relay.commit()
        job_id = job.id
        # Killed a fifth of the way through.
        wait_until(lambda job_id=job_id: job_state(job_id).done >= CANDIDATES // 5, 120,
                   f"job {job_id} under way", stack.worker_log)
        assert job_state(job_id).status == JobStatus.RUNNING
        os.killpg(stack.worker.pid, signal.SIGKILL)
        stack.worker.wait(timeout=10)
        wait_until(lambda: not group_alive(stack.worker.pid), 10, "worker group gone")
        stack.start_worker()
        restarted = time.monotonic()
        wait_until(lambda job_id=job_id: job_state(job_id).status == JobStatus.DONE, 120,
                   f"job {job_id} done after the restart", stack.worker_log)
        recoveries.append(time.monotonic() - restarted)

        db.session.rollback()
        count = lambda model, *where: db.session.scalar(  # noqa: E731
            select(func.count(model.id)).where(*where))
        assert count(BlockResult) == 3 * CANDIDATES
        assert count(BlockResult, BlockResult.outcome == BlockOutcome.VALIDATED) == 3 * CANDIDATES
        assert count(TitleResult, TitleResult.outcome == TitleOutcome.AWARDED) == CANDIDATES
        assert count(AuditEvent, AuditEvent.action == "results.computed",
                     AuditEvent.object_id == job_id) == 1
    print(f"\n{KILLS} worker-group kills mid-computation of {CANDIDATES} candidates: done "
          f"{min(recoveries):.0f}–{max(recoveries):.0f} s after each restart")
    assert max(recoveries) < 120
