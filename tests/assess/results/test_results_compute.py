"""Computing results through the (eager) outbox: outcomes, idempotency, set-based reads."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.audit.models import AuditEvent
from assess.jobs.models import Job, JobStatus
from assess.outbox.models import OutboxMessage
from assess.referential.models import LevelCode
from assess.results.models import BlockResult, TitleResult
from assess.results.operations import start_compute
from assess.results.tasks import compute_results
from assess.sessions.models import SessionStatus
from tests.factories import assign, create_session, enrol, move_to


def _compute(client, as_user, world):
    as_user(world.centre_admin)
    response = client.post(f"/sessions/{world.session.id}/resultats/calculer")
    assert response.status_code == 302
    return response


def _latest_job(db, session):
    db.session.expire_all()
    return db.session.scalar(select(Job).where(Job.session_id == session.id)
                             .order_by(Job.id.desc()))


def _sheets_for(world, index):
    """The three assignments (bloc 1, 2, 3) of the index-th candidate."""
    return world.assignments[3 * index:3 * index + 3]


def test_outcomes_of_acquired_failed_missing_and_disagreeing_candidates(
        db, world, client, as_user, submit_sheet, results_of):
    w = world(candidates=4)
    for a in _sheets_for(w, 0):
        submit_sheet(a)  # everything acquis
    b1, b2, b3 = _sheets_for(w, 1)
    submit_sheet(b1, levels={"CR1.3.1": "non_acquis"})
    submit_sheet(b2)
    submit_sheet(b3)
    c1, c2, _missing = _sheets_for(w, 2)
    submit_sheet(c1)
    submit_sheet(c2)
    d1, d2, d3 = _sheets_for(w, 3)
    for a in (d1, d2, d3):
        submit_sheet(a)
    second = assign(w.jurors[1], w.enrolments[3], d2.exam)
    db.session.commit()
    submit_sheet(second, levels={"CR2.2.1": "partiellement_acquis"})

    _compute(client, as_user, w)

    job = _latest_job(db, w.session)
    assert job.status == JobStatus.DONE and job.done == job.total == 4
    blocks, title = results_of(w.enrolments[0])
    assert {n: r.outcome for n, r in blocks.items()} == {1: "validated", 2: "validated",
                                                          3: "validated"}
    assert title.outcome == "awarded"
    assert blocks[1].criterion_levels["CR1.1"] == "acquis"

    blocks, title = results_of(w.enrolments[1])
    assert blocks[1].outcome == "not_validated" and blocks[1].criterion_levels["CR1.3.1"] == "non_acquis"
    assert title.outcome == "not_awarded"

    blocks, title = results_of(w.enrolments[2])
    assert blocks[3].outcome == "pending" and blocks[3].disagreements == []
    assert title.outcome == "pending"

    blocks, title = results_of(w.enrolments[3])
    assert blocks[2].outcome == "pending"
    assert blocks[2].disagreements == ["CR2.2.1"]
    assert blocks[2].criterion_levels["CR2.2.1"] is None
    assert blocks[2].criterion_levels["CR2.1"] == "acquis"
    assert title.outcome == "pending"

    # Computing leaves the session in deliberation: it may be run again until publication.
    assert db.session.get(type(w.session), w.session.id).status == SessionStatus.DELIBERATION
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.session_id == w.session.id)
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events][-2:] == ["results.compute_requested", "results.computed"]
    assert events[-1].new["title_awarded"] == 1 and events[-1].new["enrolments"] == 4


def test_an_assigned_evaluator_who_has_not_submitted_keeps_the_bloc_pending(
        db, world, client, as_user, submit_sheet, grade_all, results_of):
    from assess.grading.models import SheetStatus

    w = world(candidates=1)
    grade_all(w)
    late = assign(w.jurors[1], w.enrolments[0], w.assignments[0].exam)
    db.session.commit()
    submit_sheet(late, default="non_acquis", status=SheetStatus.DRAFT)  # blind: not counted

    _compute(client, as_user, w)

    blocks, title = results_of(w.enrolments[0])
    assert blocks[1].outcome == "pending" and blocks[1].disagreements == []
    assert title.outcome == "pending"


def test_rerunning_the_same_job_changes_nothing(db, world, client, as_user, grade_all,
                                                results_of, count_queries):
    w = world(candidates=2)
    grade_all(w)
    _compute(client, as_user, w)
    job = _latest_job(db, w.session)
    before = {(r.id, r.outcome, r.computed_at) for r in db.session.scalars(select(BlockResult))}

    compute_results({"job_id": job.id})  # a second delivery of a done job: a no-op
    job.status, job.finished_at = JobStatus.RUNNING, None  # the worker died before "done"
    db.session.commit()
    with count_queries() as statements:
        compute_results({"job_id": job.id})

    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE"))
              or (s.lstrip().upper().startswith("UPDATE") and "_results" in s)]
    assert writes == []
    db.session.expire_all()
    after = {(r.id, r.outcome, r.computed_at) for r in db.session.scalars(select(BlockResult))}
    assert after == before
    assert _latest_job(db, w.session).status == JobStatus.DONE


def test_a_second_compute_updates_rows_in_place(db, world, client, as_user, submit_sheet,
                                                results_of):
    w = world(candidates=1)
    a1, a2, a3 = _sheets_for(w, 0)
    submit_sheet(a1)
    submit_sheet(a2)
    _compute(client, as_user, w)
    blocks, title = results_of(w.enrolments[0])
    assert blocks[3].outcome == "pending" and title.outcome == "pending"
    ids = ({n: r.id for n, r in blocks.items()}, title.id)

    submit_sheet(a3)
    _compute(client, as_user, w)

    blocks, title = results_of(w.enrolments[0])
    assert blocks[3].outcome == "validated" and title.outcome == "awarded"
    assert ({n: r.id for n, r in blocks.items()}, title.id) == ids
    assert db.session.scalar(select(func.count(BlockResult.id))) == 3
    assert db.session.scalar(select(func.count(TitleResult.id))) == 1
    assert db.session.scalar(select(func.count(Job.id))) == 2


def _earlier_session(db, w, validated_block, *, published):
    from assess.results.models import BlockOutcome

    earlier = create_session(w.session.referential_version, w.centre, name="Session antérieure")
    enrolment = enrol(earlier, w.candidates[0])
    block = w.session.referential_version.blocks[validated_block - 1]
    db.session.add(BlockResult(enrolment_id=enrolment.id, block_id=block.id,
                               outcome=BlockOutcome.VALIDATED))
    if published:
        move_to(earlier, SessionStatus.PUBLISHED)
    db.session.commit()


def _partial_world(db, world, submit_sheet):
    """One candidate re-sitting blocs 2 and 3 only, both acquired."""
    w = world(candidates=1, assign_all=False)
    blocks = w.session.referential_version.blocks
    w.enrolments[0].blocks = [blocks[1], blocks[2]]
    w.enrolments[0].full_title = False
    for exam in w.session.exams[1:]:
        submit_sheet(assign(w.jurors[0], w.enrolments[0], exam))
    return w


def test_a_bloc_validated_in_an_earlier_published_session_counts_for_the_title(
        db, world, client, as_user, submit_sheet, results_of):
    w = _partial_world(db, world, submit_sheet)
    _earlier_session(db, w, 1, published=True)

    _compute(client, as_user, w)

    blocks, title = results_of(w.enrolments[0])
    assert sorted(blocks) == [2, 3]
    assert title.outcome == "awarded"


def test_an_unpublished_earlier_result_does_not_count(db, world, client, as_user,
                                                      submit_sheet, results_of):
    w = _partial_world(db, world, submit_sheet)
    _earlier_session(db, w, 1, published=False)

    _compute(client, as_user, w)

    _, title = results_of(w.enrolments[0])
    assert title.outcome == "pending"


def _queued_job(db, w):
    job = start_compute(w.centre_admin, w.session)
    db.session.commit()  # no relay: the test runs the handler itself
    return job


def test_the_handler_statement_count_does_not_grow_with_candidates(db, world, grade_all,
                                                                   count_queries):
    small, large = world(candidates=2), world(candidates=8)
    grade_all(small)
    grade_all(large)
    counts = []
    for w in (small, large):
        job = _queued_job(db, w)
        with count_queries() as statements:
            compute_results({"job_id": job.id})
        counts.append(len(statements))
        assert _latest_job(db, w.session).status == JobStatus.DONE
    assert counts[0] == counts[1]


def test_progress_is_committed_once_per_batch(app, db, world, grade_all, count_queries):
    app.config["RESULTS_COMPUTE_BATCH"] = 2
    w = world(candidates=5)
    grade_all(w)
    job = _queued_job(db, w)
    with count_queries() as statements:
        compute_results({"job_id": job.id})
    progress = [s for s in statements if s.startswith("UPDATE jobs SET done=")]
    assert len(progress) == 3  # batches of 2, 2 and 1
    job = _latest_job(db, w.session)
    assert (job.done, job.total, job.percent) == (5, 5, 100)


def test_a_failing_computation_marks_the_job_failed(db, world, client, as_user, submit_sheet):
    w = world(candidates=1)
    db.session.add(LevelCode(code="bof"))  # a level of another référentiel's scale
    submit_sheet(w.assignments[0], default="bof")  # not a level of this one

    as_user(w.centre_admin)
    with pytest.raises(ValueError, match="bof"):  # eager delivery propagates in tests
        client.post(f"/sessions/{w.session.id}/resultats/calculer")

    job = _latest_job(db, w.session)
    assert job.status == JobStatus.FAILED and "bof" in job.message
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.task == "results.compute"))
    assert row.done_at is None and "bof" in row.last_error  # left for the sweep to retry
    assert db.session.get(type(w.session), w.session.id).status == SessionStatus.DELIBERATION


def test_compute_is_refused_while_a_job_is_running(db, world, client, as_user):
    w = world(candidates=1)
    _queued_job(db, w)  # queued, never delivered
    as_user(w.centre_admin)
    response = client.post(f"/sessions/{w.session.id}/resultats/calculer",
                           follow_redirects=True)
    assert "déjà en cours" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 1


def test_a_recompute_audits_old_and_new_of_each_result_it_changes(db, world, client, as_user,
                                                                  grade_all, results_of):
    from assess.grading.models import CriterionMark

    w = world(candidates=2)
    sheets = grade_all(w)
    _compute(client, as_user, w)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.like("result.%"))) == 0  # a first computation changes nothing

    # The first candidate's bloc 1 is now graded "non acquis" on one criterion.
    mark = db.session.scalars(select(CriterionMark).where(
        CriterionMark.sheet_id == sheets[0].id).order_by(CriterionMark.id)).first()
    mark.level = "non_acquis"
    db.session.commit()
    _compute(client, as_user, w)

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "result.changed")
                                .order_by(AuditEvent.id)).all()
    blocks, title = results_of(w.enrolments[0])
    by_type = {e.object_type: e for e in events}
    assert sorted(by_type) == ["BlockResult", "TitleResult"] and len(events) == 2
    bloc = by_type["BlockResult"]
    assert bloc.object_id == blocks[1].id and bloc.actor_id == w.centre_admin.id
    assert bloc.old["outcome"] == "validated" and bloc.new["outcome"] == "not_validated"
    assert bloc.new["criterion_levels"][mark.criterion.code] == "non_acquis"
    assert (by_type["TitleResult"].old, by_type["TitleResult"].new) == (
        {"outcome": "awarded"}, {"outcome": "not_awarded"})
    assert by_type["TitleResult"].object_id == title.id
    assert all(e.session_id == w.session.id and "recalcul" in e.reason for e in events)


def test_an_absence_at_the_epreuve_counts_as_not_validated(db, world, client, as_user,
                                                          grade_all, results_of):
    """An absence recorded (on the oral's sheet or by an admin) makes the bloc not
    validated whatever was graded, and the results computed before it stale."""
    from datetime import date

    from assess.attendance.models import Attendance, ExamAttendance
    from assess.sessions.queries import results_basis

    w = world(candidates=1)
    grade_all(w)
    before = results_basis(w.session.id)
    bloc3 = w.assignments[2].exam
    db.session.add(ExamAttendance(enrolment_id=w.enrolments[0].id, exam_id=bloc3.id,
                                  status=Attendance.ABSENT, on_date=date.today()))
    db.session.commit()
    assert results_basis(w.session.id) != before

    _compute(client, as_user, w)

    blocks, title = results_of(w.enrolments[0])
    assert blocks[1].outcome == "validated" and blocks[3].outcome == "not_validated"
    assert blocks[3].disagreements == [] and set(blocks[3].criterion_levels.values()) == {None}
    assert title.outcome == "not_awarded"
