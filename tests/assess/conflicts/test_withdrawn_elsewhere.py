"""A withdrawn assignment (a link declared after allocation) counts nowhere: not in the
results, not in the dashboard, not as a way to the candidate's files; the candidate's
record shows it as withdrawn."""

from __future__ import annotations

import html
import io

import pytest
from werkzeug.datastructures import FileStorage

from assess.core.columns import utcnow
from assess.dashboard import queries as dashboard
from assess.dashboard.queries import Filters
from assess.grading.models import SheetStatus
from assess.results.queries import evaluator_levels
from tests.conftest import MINIMAL_PDF


def withdraw(db, *assignments):
    for a in assignments:
        a.withdrawn_at, a.withdrawn_reason = utcnow(), "conflict"
    db.session.commit()


def test_a_withdrawn_sheet_never_counts_in_the_results(s, db, submit_sheet):
    w = s.w
    submit_sheet(s.a1, default="non_acquis")  # submitted, then the link was declared
    submit_sheet(s.b1, default="acquis")
    withdraw(db, s.a1, s.a2)
    block_id = w.session.exams[0].block_id
    sheets = evaluator_levels(w.session.id)[(w.enrolments[0].id, block_id)]
    assert list(sheets) == [s.b1.id]
    assert set(sheets[s.b1.id].values()) == {"acquis"}
    # Bloc 2: its only evaluator was withdrawn; nobody is waited for.
    assert (w.enrolments[0].id, w.session.exams[1].block_id) not in evaluator_levels(
        w.session.id)


def test_the_dashboard_counts_only_active_assignments(s, db, submit_sheet):
    w = s.w
    submit_sheet(s.a1, status=SheetStatus.DRAFT)
    submit_sheet(s.b1)
    exams = list(w.session.exams)
    before = dashboard.counts(w.session.id, dashboard.exam_progress(w.session.id, exams))
    assert (before.sheets_submitted, before.sheets_draft, before.sheets_not_started) == (1, 1, 1)
    withdraw(db, s.a1, s.a2)
    progress = dashboard.exam_progress(w.session.id, exams)
    after = dashboard.counts(w.session.id, progress)
    assert (after.sheets_submitted, after.sheets_draft, after.sheets_not_started) == (1, 0, 0)
    by_exam = {p.exam.id: p for p in progress}
    assert (by_exam[exams[0].id].sheets, by_exam[exams[0].id].sheets_submitted) == (1, 1)
    assert by_exam[exams[1].id].sheets == 0
    [row] = [r for r in dashboard.candidate_rows(w.session.id, exams, Filters())
             if r.enrolment.id == w.enrolments[0].id]
    assert [(c.sheets, c.sheets_submitted) for c in row.cells[:2]] == [(1, 1), (0, 0)]
    # « Grilles manquantes »: the withdrawn assignments are not waited for.
    assert dashboard.count_filtered(w.session.id, Filters(status="sheets_missing")) == 0


def test_a_withdrawn_disagreement_is_not_a_disagreement(s, db, submit_sheet):
    w = s.w
    submit_sheet(s.a1, default="non_acquis")
    submit_sheet(s.b1, default="acquis")
    assert dashboard.disagreements(w.session.id) == 1
    withdraw(db, s.a1)
    assert dashboard.disagreements(w.session.id) == 0


@pytest.fixture
def stored(s, app, db):
    from assess.submissions import operations

    w = s.w
    with app.test_request_context():
        row = operations.upload(w.candidates[0], w.enrolments[0], w.session.exams[0],
                                FileStorage(io.BytesIO(MINIMAL_PDF), filename="etude.pdf"))
        db.session.commit()
    return row


def test_a_withdrawn_juror_can_no_longer_download_the_candidates_files(
        s, db, as_user, stored):
    w = s.w
    exam = w.session.exams[0]
    client = as_user(w.jurors[0])
    response = client.get(f"/fichiers/{stored.id}")
    assert response.status_code == 200
    response.close()
    response = client.get(f"/jury/epreuves/{exam.id}/copies.zip")
    assert response.status_code == 200
    response.close()
    withdraw(db, s.a1)
    assert client.get(f"/fichiers/{stored.id}").status_code == 404
    assert client.get(f"/jury/epreuves/{exam.id}/copies.zip").status_code == 404
    # The other evaluator still downloads it.
    response = as_user(w.jurors[1]).get(f"/fichiers/{stored.id}")
    assert response.status_code == 200
    response.close()


def test_the_candidate_record_shows_a_withdrawn_evaluator_as_withdrawn(
        s, db, as_user, submit_sheet):
    w = s.w
    submit_sheet(s.a2)
    client = as_user(w.centre_admin)
    declared = client.post(f"/sessions/{w.session.id}/conflits", data={
        "juror": str(w.jurors[0].id), "enrolment": str(w.enrolments[0].id),
        "kind": "employer", "detail": ""})
    assert declared.status_code == 302
    text = html.unescape(client.get(
        f"/sessions/{w.session.id}/candidats/{w.enrolments[0].id}").get_data(as_text=True))
    assert text.count("Retiré(e) : conflit d'intérêts") == 2
    assert "ne compte pas dans les résultats" in text
    # Bloc 2 has no active evaluator left.
    assert "Aucun évaluateur n'est affecté à cette épreuve." in text
    assert "Évaluateur retiré (conflit d'intérêts)" in text  # the history
    assert "Lien avec un membre du jury déclaré" in text
