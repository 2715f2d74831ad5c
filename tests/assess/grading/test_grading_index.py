"""The juror's list: only their own assignments, grouped by session, with file and status."""

from __future__ import annotations

from html import unescape

from flask import url_for

from assess.core.columns import utcnow
from assess.grading.models import CriterionMark, GradingSheet, SheetStatus
from assess.submissions.models import StoredFile, Submission
from tests.factories import assign, create_session, create_user, enrol


def _page(client) -> str:
    response = client.get("/jury/")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def _add_file(enrolment, exam, uploader, name="copie.pdf") -> StoredFile:
    from assess.extensions import db

    submission = Submission(enrolment_id=enrolment.id, exam_id=exam.id)
    db.session.add(submission)
    db.session.flush()
    stored = StoredFile(submission_id=submission.id, original_name=name,
                        content_type="application/pdf", size=1234, sha256="a" * 64,
                        storage_key=f"k/{submission.id}", uploaded_by_id=uploader.id)
    db.session.add(stored)
    db.session.flush()
    return stored


def _add_sheet(assignment, status=SheetStatus.DRAFT):
    from assess.extensions import db

    sheet = GradingSheet(assignment_id=assignment.id, status=status,
                         submitted_at=utcnow() if status == SheetStatus.SUBMITTED else None)
    sheet.marks = [CriterionMark(criterion_id=c.id, observation="")
                   for c in assignment.exam.block.criteria]
    db.session.add(sheet)
    db.session.flush()
    return sheet


def test_lists_only_the_jurors_own_assignments(client, as_user, world, db):
    w = world(candidates=2, jurors=2, assign_all=False)
    first, second = w.enrolments
    exams = w.session.exams
    assign(w.jurors[0], first, exams[0])
    assign(w.jurors[0], first, exams[2])
    assign(w.jurors[1], second, exams[1])
    db.session.commit()
    name_first = w.candidates[0].full_name
    name_second = w.candidates[1].full_name

    as_user(w.jurors[0])
    html = _page(client)
    assert name_first in html and name_second not in html
    assert "Bloc 1 — " in html and "Bloc 3 — " in html and "Bloc 2 — " not in html

    as_user(w.jurors[1])
    html = _page(client)
    assert name_second in html and name_first not in html
    assert "Bloc 2 — " in html and "Bloc 1 — " not in html


def test_groups_by_session_with_dates_files_and_status(client, as_user, world, db,
                                                       referential_version):
    w = world(candidates=1, jurors=1, assign_all=True)
    other_session = create_session(referential_version, w.other_centre, name="Session d'hiver")
    winter_candidate = create_user("candidate", centre=w.other_centre)
    winter = enrol(other_session, winter_candidate)
    assign(w.jurors[0], winter, other_session.exams[0])
    by_bloc = {a.exam.block.number: a for a in w.assignments}
    _add_sheet(by_bloc[1], SheetStatus.DRAFT)
    _add_sheet(by_bloc[2], SheetStatus.SUBMITTED)
    stored = _add_file(w.enrolments[0], by_bloc[1].exam, w.candidates[0], "audit-final.pdf")
    db.session.commit()

    as_user(w.jurors[0])
    html = _page(client)
    assert f">{w.session.name}</h2>" in html
    assert ">Session d'hiver</h2>" in html
    assert winter_candidate.full_name in html
    assert "Soutenance orale" in html and "Dossier" in html  # bloc 3 parts, with dates
    assert "à évaluer" in html and "brouillon" in html and "soumise" in html
    assert "Aucune copie déposée" in html
    with client.application.test_request_context():
        link = url_for("submissions.download", file_id=stored.id)
    assert f'href="{link}"' in html
    assert "audit-final.pdf" in html


def test_a_juror_with_nothing_assigned_is_told_so(client, as_user, world):
    w = world(candidates=1, jurors=2)
    as_user(w.jurors[1])
    html = _page(client)
    assert "Aucune épreuve ne vous est attribuée" in html
    assert w.candidates[0].full_name not in html


def test_query_count_does_not_grow_with_assignments(client, as_user, world, db,
                                                    count_queries):
    w = world(candidates=2, jurors=1, assign_all=False)
    juror = w.jurors[0]
    exams = w.session.exams
    pairs = [(e, x) for e in w.enrolments for x in exams]
    made = [assign(juror, e, x) for e, x in pairs[:2]]
    _add_sheet(made[0])
    _add_file(made[1].enrolment, made[1].exam, w.candidates[0])
    db.session.commit()
    as_user(juror)
    with count_queries() as two:
        assert client.get("/jury/").status_code == 200

    made += [assign(juror, e, x) for e, x in pairs[2:]]
    _add_sheet(made[3], SheetStatus.SUBMITTED)
    _add_sheet(made[5])
    _add_file(made[4].enrolment, made[4].exam, w.candidates[1])
    db.session.commit()
    with count_queries() as six:
        html = client.get("/jury/").get_data(as_text=True)
    assert html.count("/jury/evaluations/") == 6
    assert len(six) == len(two), (two, six)
    # user, assignments (joined), parts, declared links, files, URLs, the sessions whose
    # jury the juror sits on (deliberations), the unread count
    assert len(six) == 8



def test_work_is_listed_per_epreuve_with_status_deadline_and_time_left(client, as_user,
                                                                      world, db):
    from datetime import timedelta

    w = world(candidates=2, jurors=1)
    by = {(a.enrolment_id, a.exam.block.number): a for a in w.assignments}
    first, second = w.enrolments
    exams = {e.block.number: e for e in w.session.exams}
    exams[1].grading_due_at = utcnow() + timedelta(days=3, hours=5)
    exams[2].grading_due_at = utcnow() - timedelta(hours=1)
    _add_sheet(by[(first.id, 1)])
    _add_sheet(by[(second.id, 1)], SheetStatus.SUBMITTED)
    by[(first.id, 2)].withdrawn_at = utcnow()
    stored = _add_file(first, exams[3], w.candidates[0], "dossier-final.pdf")
    db.session.commit()

    as_user(w.jurors[0])
    html = _page(client)
    sections = {n: html[html.index(f'id="exam-{exams[n].id}"'):] for n in (1, 2, 3)}
    sections = {n: s[:s.index("</section>")] for n, s in sections.items()}
    bloc1, bloc2, bloc3 = sections[1], sections[2], sections[3]
    assert "Bloc 1 — " in bloc1 and "Grilles à soumettre au plus tard le" in bloc1
    assert "il reste 3 jours et" in bloc1  # 3 days and 4 or 5 hours, by the clock
    assert "brouillon" in bloc1 and "soumise" in bloc1
    assert "échéance dépassée" in bloc2 and "retiré(e)" in bloc2 and "à évaluer" in bloc2
    assert "Pas de date limite de correction fixée" in bloc3
    assert f'href="/fichiers/{stored.id}"' in bloc3 and "dossier-final.pdf" in bloc3
    assert f'/jury/epreuves/{exams[3].id}/copies.zip' in bloc3
    assert html.index(f'id="exam-{exams[1].id}"') < html.index(f'id="exam-{exams[3].id}"')


def test_statements_are_the_same_for_3_and_30_assignments(client, as_user, world, db,
                                                          count_queries):
    from datetime import timedelta

    def statements(candidates):
        w = world(candidates=candidates, jurors=1)
        for exam in w.session.exams:
            exam.grading_due_at = utcnow() + timedelta(days=2)
        for i, a in enumerate(w.assignments):
            if i % 3 == 0:
                _add_sheet(a, SheetStatus.SUBMITTED if i % 2 else SheetStatus.DRAFT)
            if i % 4 == 1:
                a.withdrawn_at = utcnow()
            if i % 5 == 2:
                _add_file(a.enrolment, a.exam, w.candidates[0])
        db.session.commit()
        assert len(w.assignments) == candidates * 3
        as_user(w.jurors[0])
        with count_queries() as seen:
            html = client.get("/jury/").get_data(as_text=True)
        assert html.count("/jury/evaluations/") == candidates * 3
        return len(seen)

    assert statements(1) == statements(10)
