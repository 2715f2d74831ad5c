"""The allocation page: settings (refused beside the field, typing kept), the automatic run
(N evaluators per written work, conflicts, blocs, availability and loads respected, one
e-mail per juror per run, nothing twice), the workload table, and who may reach it."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.core.columns import utcnow
from assess.grading.models import SheetStatus
from assess.juries.models import Assignment, ConflictOfInterest, JurorAvailability, LinkKind
from assess.notifications.models import Notification
from assess.sessions.models import SessionStatus
from tests.assess.allocation.helpers import allocation_world, may_assess, oral_exam, written
from tests.factories import assign, move_to


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def url(w, tail=""):
    return f"/sessions/{w.session.id}/repartition{tail}"


def active(db, **where):
    query = select(Assignment).where(Assignment.withdrawn_at.is_(None))
    for key, value in where.items():
        query = query.where(getattr(Assignment, key) == value)
    return list(db.session.scalars(query))


def test_the_session_page_links_to_the_allocation(world, as_user):
    w = allocation_world(world)
    page = text(as_user(w.centre_admin).get(f"/sessions/{w.session.id}"))
    assert f'href="/sessions/{w.session.id}/repartition"' in page
    assert "Répartition des copies" in page


def test_the_page_shows_settings_and_every_juror_of_the_pool(world, as_user):
    w = allocation_world(world)
    response = as_user(w.centre_admin).get(url(w))
    page = text(response)
    assert response.status_code == 200
    assert 'name="evaluators_per_work"' in page and 'value="2"' in page
    for exam in written(w.session):
        assert f'name="due_{exam.id}"' in page
    assert f'name="due_{oral_exam(w.session).id}"' not in page  # bloc 3: the oral panels'
    for juror in w.jurors:
        assert juror.full_name in page
    assert "Répartir automatiquement" in page
    assert "style=" not in page


def test_auto_allocation_gives_each_written_work_n_evaluators(world, as_user, db,
                                                              audit_actions):
    w = allocation_world(world, candidates=3, jurors=4)
    client = as_user(w.centre_admin)
    response = client.post(url(w, "/auto"), follow_redirects=True)
    page = text(response)
    assert "12 affectations créées" in page
    made = active(db)
    assert len(made) == 3 * 2 * 2
    assert not [a for a in made if a.exam_id == oral_exam(w.session).id]
    for e in w.enrolments:
        for exam in written(w.session):
            jurors = [a.juror_id for a in made if a.enrolment_id == e.id and a.exam_id == exam.id]
            assert len(set(jurors)) == 2
    loads = sorted([sum(1 for a in made if a.juror_id == j.id) for j in w.jurors])
    assert loads == [3, 3, 3, 3]
    assert audit_actions("allocation.") == ["allocation.run"]
    run = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "allocation.run"))
    assert run.new["created"] == 12 and run.new["short"] == 0
    assert len(audit_actions("assignment.created")) == 12
    # One e-mail per juror for the whole run, saying how many candidates per épreuve.
    notes = list(db.session.scalars(select(Notification).where(Notification.event == "assignments")))
    assert sorted(n.recipient_id for n in notes) == sorted(j.id for j in w.jurors)
    assert all(n.key.endswith(f":batch:run{run.id}") for n in notes)
    for note in notes:  # 12 sheets over 4 jurors: 3 each, counted per épreuve
        per_exam = re.findall(r"bloc (\d) : (\d+) candidats?", note.body)
        assert sum(int(n) for _b, n in per_exam) == 3, note.body
        assert "/jury/" in note.body

    # Twice: nothing more, nobody told again.
    page = text(client.post(url(w, "/auto"), follow_redirects=True))
    assert "Aucune affectation à créer" in page
    assert len(active(db)) == 12
    assert db.session.query(Notification).filter_by(event="assignments").count() == 4


def test_the_notification_gives_the_grading_deadline(world, as_user, db):
    w = allocation_world(world, candidates=1, jurors=2)
    exam = written(w.session)[0]
    exam.grading_due_at = utcnow().replace(microsecond=0) + timedelta(days=12)
    db.session.commit()
    as_user(w.centre_admin).post(url(w, "/auto"))
    [note, _other] = db.session.scalars(select(Notification).order_by(Notification.id))
    assert "grilles à soumettre avant le" in note.body
    assert "2 nouvelles copies à évaluer" == note.subject
    assert "http://127.0.0.1:5000/jury/" in note.body


def test_a_declared_conflict_is_never_allocated(world, as_user, db):
    w = allocation_world(world, candidates=2, jurors=3)
    linked, enrolment = w.jurors[0], w.enrolments[0]
    db.session.add(ConflictOfInterest(juror_id=linked.id, enrolment_id=enrolment.id,
                                      kind=LinkKind.TRAINER))
    db.session.commit()
    as_user(w.centre_admin).post(url(w, "/auto"))
    assert not active(db, juror_id=linked.id, enrolment_id=enrolment.id)
    for exam in written(w.session):
        assert len(active(db, enrolment_id=enrolment.id, exam_id=exam.id)) == 2


def test_works_left_short_are_listed_with_the_reason(world, as_user, db):
    # Only one juror may assess bloc 2: its works get one evaluator of the two.
    w = world(candidates=2, jurors=3, assign_all=False)
    may_assess(w.jurors[0], 1, 2)
    may_assess(w.jurors[1], 1)
    may_assess(w.jurors[2], 1)
    client = as_user(w.centre_admin)
    page = text(client.post(url(w, "/auto"), follow_redirects=True))
    assert "2 copies n'ont pas leurs 2 évaluateurs" in page
    assert "non habilités à évaluer ce bloc" in page
    name = w.enrolments[0].candidate.user.full_name
    assert f"Bloc 2 — {name} : 1 évaluateur(s) sur 2" in page
    bloc2 = written(w.session)[1]
    assert [a.juror_id for a in active(db, exam_id=bloc2.id)] == [w.jurors[0].id] * 2
    # The page keeps listing them, as impossible for the automatic allocation.
    page = text(client.get(url(w)))
    assert "impossible" in page and "1 sur 2" in page


def test_availability_during_the_grading_window_counts(world, as_user, db):
    w = allocation_world(world, candidates=1, jurors=3)
    away, there = w.jurors[0], w.jurors[1]
    long_ago = date.today() - timedelta(days=60)
    db.session.add_all([
        JurorAvailability(juror_id=away.id, starts_on=long_ago, ends_on=long_ago),
        # Meets the window: from the épreuve's end (in 7 days) to the session's end.
        JurorAvailability(juror_id=there.id, starts_on=date.today() + timedelta(days=8),
                          ends_on=date.today() + timedelta(days=9))])
    db.session.commit()
    as_user(w.centre_admin).post(url(w, "/auto"))
    assert not active(db, juror_id=away.id)
    assert len(active(db, juror_id=there.id)) == 2
    assert len(active(db, juror_id=w.jurors[2].id)) == 2


def test_the_maximum_load_is_respected(world, as_user, db):
    w = allocation_world(world, candidates=3, jurors=3)
    w.session.max_sheets_per_juror = 3
    db.session.commit()
    as_user(w.centre_admin).post(url(w, "/auto"))
    for juror in w.jurors:
        assert len(active(db, juror_id=juror.id)) <= 3
    assert len(active(db)) == 9  # 12 wanted, 3 jurors × 3 sheets at most


@pytest.mark.parametrize("typed", ["0", "6", "deux"])
def test_a_wrong_number_of_evaluators_is_refused_beside_the_field(world, as_user, db, typed):
    w = allocation_world(world)
    response = as_user(w.centre_admin).post(url(w, "/parametres"), data={
        "evaluators_per_work": typed, "max_sheets_per_juror": "7"})
    page = text(response)
    assert response.status_code == 422
    assert 'id="evaluators_per_work-errors"' in page
    assert "entre 1 et 5" in page
    assert f'value="{typed}"' in page and 'value="7"' in page  # the typing is kept
    db.session.refresh(w.session)
    assert w.session.evaluators_per_work == 2 and w.session.max_sheets_per_juror is None


def test_the_settings_are_saved_and_audited(world, as_user, db, audit_actions):
    w = allocation_world(world)
    exam = written(w.session)[0]
    due = (date.today() + timedelta(days=12)).isoformat() + "T18:00"
    response = as_user(w.centre_admin).post(url(w, "/parametres"), data={
        "evaluators_per_work": "3", "max_sheets_per_juror": "", f"due_{exam.id}": due})
    assert response.status_code == 302
    db.session.expire_all()
    assert (w.session.evaluators_per_work, w.session.max_sheets_per_juror) == (3, None)
    # Typed in Paris time (UTC+1 in winter, +2 in summer), stored in naive UTC.
    assert exam.grading_due_at.hour in (16, 17) and exam.grading_due_at.tzinfo is None
    assert audit_actions("allocation.") == ["allocation.settings_updated"]
    page = text(as_user(w.centre_admin).get(url(w)))
    assert f'value="{due}"' in page
    as_user(w.centre_admin).post(url(w, "/auto"))
    assert len(active(db, enrolment_id=w.enrolments[0].id, exam_id=exam.id)) == 3


def test_a_deadline_before_the_end_of_the_epreuve_is_refused_beside_it(world, as_user, db):
    w = allocation_world(world)
    exam = written(w.session)[0]
    # The épreuve takes hand-ins for 7 days: a deadline tomorrow comes before its end.
    due = (date.today() + timedelta(days=1)).isoformat() + "T12:00"
    response = as_user(w.centre_admin).post(url(w, "/parametres"), data={
        "evaluators_per_work": "2", f"due_{exam.id}": due})
    page = text(response)
    assert response.status_code == 422
    assert f'id="due_{exam.id}-errors"' in page and "qu'après l'épreuve" in page
    assert f'value="{due}"' in page
    db.session.expire_all()
    assert exam.grading_due_at is None


def test_a_maximum_below_current_loads_is_accepted_and_reported(world, as_user, db):
    w = allocation_world(world, candidates=2, jurors=2)
    busy = w.jurors[0]
    for e in w.enrolments:
        for exam in written(w.session):
            assign(busy, e, exam)
    db.session.commit()
    response = as_user(w.centre_admin).post(url(w, "/parametres"), data={
        "evaluators_per_work": "2", "max_sheets_per_juror": "1"}, follow_redirects=True)
    page = text(response)
    assert "Paramètres de répartition enregistrés" in page
    assert f"{busy.full_name} (4)" in page and "plus de copies que le nouveau maximum" in page
    db.session.expire_all()
    assert w.session.max_sheets_per_juror == 1
    assert len(active(db, juror_id=busy.id)) == 4  # nothing taken off them


def test_another_centres_session_is_not_found(world, as_user, db):
    w = allocation_world(world)
    client = as_user(w.other_centre_admin)
    assert client.get(url(w)).status_code == 404
    assert client.post(url(w, "/parametres"), data={"evaluators_per_work": "3"}
                       ).status_code == 404
    assert client.post(url(w, "/auto")).status_code == 404
    db.session.expire_all()
    assert w.session.evaluators_per_work == 2 and not active(db)


@pytest.mark.parametrize("who", ["juror", "candidate"])
def test_other_roles_are_forbidden(world, as_user, db, who):
    w = allocation_world(world)
    client = as_user(w.jurors[0] if who == "juror" else w.candidates[0])
    assert client.get(url(w)).status_code == 403
    assert client.post(url(w, "/parametres"), data={"evaluators_per_work": "3"}
                       ).status_code == 403
    assert client.post(url(w, "/auto")).status_code == 403
    assert not active(db)


def test_the_certifier_admin_may_allocate(world, as_user, db):
    w = allocation_world(world, candidates=1)
    assert as_user(w.admin).post(url(w, "/auto")).status_code == 302
    assert len(active(db)) == 4


@pytest.mark.parametrize("state", [SessionStatus.DELIBERATION, SessionStatus.CLOSED])
def test_nothing_changes_once_assignment_is_over(world, as_user, db, state):
    w = allocation_world(world)
    move_to(w.session, state)
    db.session.commit()
    client = as_user(w.centre_admin)
    response = client.post(url(w, "/parametres"), data={"evaluators_per_work": "3"})
    assert response.status_code == 409
    assert "délibération" in text(response) or "close" in text(response)
    page = text(client.post(url(w, "/auto"), follow_redirects=True))
    assert "flash-error" in page
    db.session.expire_all()
    assert w.session.evaluators_per_work == 2 and not active(db)
    assert "La répartition ne se modifie plus" in text(client.get(url(w)))


def test_the_workload_counts_each_state_of_the_sheets(world, as_user, db, submit_sheet):
    w = allocation_world(world, candidates=2, jurors=2)
    juror = w.jurors[0]
    b1, b2 = written(w.session)
    draft = assign(juror, w.enrolments[0], b1)
    done = assign(juror, w.enrolments[1], b1)
    gone = assign(juror, w.enrolments[0], b2)
    gone.withdrawn_at, gone.withdrawn_reason = utcnow(), "conflict"
    assign(juror, w.enrolments[1], b2)
    db.session.commit()
    submit_sheet(draft, status=SheetStatus.DRAFT)
    submit_sheet(done)
    page = text(as_user(w.centre_admin).get(url(w)))
    assert "brouillon 1 · soumises 1" in page  # bloc 1
    assert "retirées 1" in page  # bloc 2
    assert "1 soumises, 1 en brouillon, 1 non commencées" in page  # the bar of the total
    assert f'href="/jurys/membres/{juror.id}"' in page


def test_the_page_reads_in_a_fixed_number_of_statements(world, as_user, db, count_queries,
                                                         submit_sheet):
    counts = []
    for candidates in (3, 30):
        w = allocation_world(world, candidates=candidates, jurors=4)
        client = as_user(w.centre_admin)
        client.post(url(w, "/auto"))
        first = db.session.scalars(select(Assignment).join(Assignment.enrolment)
                                   .where(Assignment.enrolment.has(session_id=w.session.id))
                                   ).first()
        submit_sheet(first)
        db.session.add(ConflictOfInterest(juror_id=w.jurors[1].id,
                                          enrolment_id=w.enrolments[-1].id,
                                          kind=LinkKind.OTHER))
        db.session.commit()
        client.get(url(w))  # warm the login and the caches alike
        with count_queries() as statements:
            assert client.get(url(w)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_load_bar_stacks_submitted_draft_and_not_started_on_a_shared_scale():
    from assess.allocation.chart import WIDTH, load_bar
    from assess.allocation.queries import Counts

    segments = load_bar(Counts(assigned=5, draft=1, submitted=2), scale=10)
    assert [(s.css, s.x, s.width) for s in segments] == [
        ("load-submitted", 0.0, WIDTH * 0.2), ("load-draft", WIDTH * 0.2, WIDTH * 0.1),
        ("load-todo", WIDTH * 0.3, WIDTH * 0.2)]
    assert load_bar(Counts(), scale=0) == []


@pytest.mark.parametrize("bad", ["abc\x00def", "a\x01b", "   ", "9" * 40, "0001-01-01T00:00"])
def test_bad_text_in_any_field_is_refused_not_a_500(world, as_user, db, bad):
    w = allocation_world(world)
    exam = written(w.session)[0]
    for field in ("evaluators_per_work", "max_sheets_per_juror", f"due_{exam.id}"):
        data = {"evaluators_per_work": "2", field: bad}
        response = as_user(w.centre_admin).post(url(w, "/parametres"), data=data)
        assert response.status_code in (302, 422), (field, response.status_code)
    db.session.expire_all()
    assert w.session.evaluators_per_work == 2 and exam.grading_due_at is None
