"""The session dashboard: counts, progress, chart, the filtered and paginated list, the
exports, who may see them, and statements that do not grow with the candidates."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from assess.attendance.models import Attendance, ExamAttendance
from assess.core.columns import utcnow
from assess.grading.models import SheetStatus
from assess.sessions.models import ExamPart
from assess.submissions.models import StoredFile
from tests.conftest import MINIMAL_PDF
from tests.factories import ACTORS, assign, create_user, enrol


def dashboard(client, w, **args):
    return client.get(f"/sessions/{w.session.id}/suivi", query_string=args)


def hand_in(as_user, post_upload, w, index, exam_index=2):
    as_user(w.candidates[index])
    exam = w.session.exams[exam_index]
    assert post_upload(exam.id, data=MINIMAL_PDF + f"%{index}\n".encode()).status_code == 302


@pytest.fixture
def busy(db, world, as_user, post_upload, submit_sheet):
    """Four candidates: 0 handed in on time, 1 handed in then the deadline moved earlier
    (late), 2 withdrew from bloc 3, 3 nothing; sheets: one submitted, one draft, and two
    evaluators disagreeing on candidate 0's bloc 1."""
    w = world(candidates=4)
    hand_in(as_user, post_upload, w, 0)
    hand_in(as_user, post_upload, w, 1)
    db.session.execute(update(StoredFile).where(StoredFile.original_name.is_not(None))
                       .values(uploaded_at=utcnow() - timedelta(days=2)))
    late = db.session.query(StoredFile).order_by(StoredFile.id.desc()).first()
    late.uploaded_at = utcnow()
    bloc3 = w.session.exams[2].id
    for part in db.session.query(ExamPart).all():  # only bloc 3 takes a hand-in here
        if part.submission_deadline is not None:
            part.submission_deadline = (utcnow() - timedelta(days=1)
                                        if part.exam_id == bloc3 else None)
    db.session.add(ExamAttendance(enrolment_id=w.enrolments[2].id,
                                  exam_id=w.session.exams[2].id, status=Attendance.WITHDRAWN,
                                  on_date=utcnow().date()))
    w.enrolments[3].accommodation_request = "tiers temps (trouble dys)"
    w.candidates[3].last_name = "=HYPERLINK(1)"
    db.session.commit()
    bloc1 = w.assignments[0]
    submit_sheet(bloc1, levels={"CR1.1": "acquis"})
    second = assign(w.jurors[1], w.enrolments[0], bloc1.exam)
    db.session.commit()
    submit_sheet(second, levels={"CR1.1": "non_acquis"})
    submit_sheet(w.assignments[1], status=SheetStatus.DRAFT)
    return w


def test_counts_and_progress(db, busy, as_user):
    page = dashboard(as_user(busy.centre_admin), busy).get_data(as_text=True)
    from assess.dashboard import queries

    exams = busy.session.exams
    progress = queries.exam_progress(busy.session.id, exams)
    counts = queries.counts(busy.session.id, progress)
    assert (counts.enrolled, counts.withdrawn, counts.absent) == (4, 1, 0)
    assert (counts.received, counts.late) == (2, 1)
    bloc3 = next(p for p in progress if p.exam.block.number == 3)
    assert (bloc3.expected, bloc3.received) == (3, 2)
    assert counts.disagreements == 1
    assert (counts.sheets_submitted, counts.sheets_draft) == (2, 1)
    assert counts.sheets_not_started == 13 - 3
    assert 'value="2" max="3"' in page  # bloc 3's progress bar
    assert "<polyline" in page and 'style="' not in page


@pytest.mark.parametrize(("args", "expected"), [
    ({"status": "late"}, {1}), ({"status": "withdrawn"}, {2}), ({"status": "missing"}, {3}),
    ({"accommodation": "oui"}, {3}), ({"accommodation": "non"}, {0, 1, 2}),
    ({"status": "sheets_missing"}, {0, 1, 2, 3}),
])
def test_filters(db, busy, as_user, args, expected):
    page = dashboard(as_user(busy.centre_admin), busy, **args).get_data(as_text=True)
    shown = {i for i, u in enumerate(busy.candidates) if u.email in page}
    assert shown == expected


def test_search_by_name_or_address(db, busy, as_user):
    target = busy.candidates[2]
    page = dashboard(as_user(busy.centre_admin), busy,
                     q=target.email.split("@")[0].upper()).get_data(as_text=True)
    assert target.email in page and busy.candidates[0].email not in page


def test_exports_follow_the_filters_and_neutralise_formulas(db, busy, as_user):
    client = as_user(busy.centre_admin)
    response = client.get(f"/sessions/{busy.session.id}/suivi/export.csv",
                          query_string={"accommodation": "oui"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Nom", "Prénom", "E-mail"] and len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][5] == "oui"
    assert "dys" not in text  # the aménagement's details are never exported
    response = client.get(f"/sessions/{busy.session.id}/suivi/export.xlsx")
    data = response.data
    response.close()  # as the WSGI server does: the temporary file goes
    book = load_workbook(io.BytesIO(data), read_only=True)
    values = list(book.active.iter_rows(values_only=True))
    assert len(values) == 5
    assert "'=HYPERLINK(1)" in {v for row in values for v in row}
    assert {"déposé", "déposé en retard", "désisté(e)", "non déposé"} <= {
        v for row in values for v in row}


def test_pagination(db, world, as_user, monkeypatch):
    from assess.dashboard import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    w = world(candidates=5, jurors=0)
    client = as_user(w.centre_admin)
    first = dashboard(client, w).get_data(as_text=True)
    third = dashboard(client, w, page=3).get_data(as_text=True)
    assert "Page 1 sur 3" in first and 'rel="next"' in first
    assert sum(u.email in third for u in w.candidates) == 1


@pytest.mark.parametrize("who", list(ACTORS))
def test_who_sees_the_dashboard_and_its_exports(db, world, as_user, client, who):
    w = world(candidates=1)
    user = ACTORS[who](w)
    c = as_user(user) if who != "anonymous" else client
    expected = {"certifier_admin": 200, "centre_admin": 200, "other_centre_admin": 404,
                "assigned_juror": 403, "enrolled_candidate": 403, "anonymous": 302}[who]
    for suffix in ("", "/export.csv", "/export.xlsx"):
        response = c.get(f"/sessions/{w.session.id}/suivi{suffix}")
        assert response.status_code == expected
        if expected != 200:
            assert w.candidates[0].email.encode() not in response.data
        response.close()


def _statements(db, w, as_user, count_queries):
    client = as_user(w.centre_admin)
    with count_queries() as statements:
        assert dashboard(client, w).status_code == 200
    with count_queries() as exported:
        response = client.get(f"/sessions/{w.session.id}/suivi/export.csv")
        assert response.status_code == 200 and response.data
        response.close()
    return len(statements), len(exported)


def test_statements_do_not_grow_with_the_candidates(db, world, as_user, count_queries,
                                                    referential_version):
    small = world(candidates=10, jurors=1)
    large = world(candidates=10, jurors=1)
    for _ in range(990):
        enrol(large.session, create_user("candidate", centre=large.centre))
    db.session.commit()
    assert _statements(db, small, as_user, count_queries) == _statements(
        db, large, as_user, count_queries)
