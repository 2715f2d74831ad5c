"""What the list and the session page show, and that they load in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest

from assess.core.columns import utcnow
from assess.grading.models import GradingSheet, SheetStatus
from assess.submissions.models import StoredFile, Submission
from tests.factories import build_world, create_session


def test_dates_are_shown_as_a_range_or_as_not_fixed(as_user, world, db, referential_version):
    w = world(candidates=0, jurors=0)
    undated = create_session(referential_version, w.centre, name="Session sans dates")
    undated.starts_on = undated.ends_on = None
    w.session.starts_on, w.session.ends_on = date(2026, 6, 1), date(2026, 6, 30)
    db.session.commit()
    client = as_user(w.admin)
    for url, shown in [("/sessions/", "du 1 juin 2026 au 30 juin 2026"),
                       (f"/centres/{w.centre.id}", "du 1 juin 2026 au 30 juin 2026"),
                       (f"/sessions/{w.session.id}", "du 1 juin 2026 au 30 juin 2026")]:
        assert shown in client.get(url).get_data(as_text=True), url
    undated_row = client.get("/sessions/").get_data(as_text=True).split(
        ">Session sans dates</a>")[1].split("</tr>")[0]
    assert "non fixées" in undated_row


def _hand_in(db, enrolment, exam, uploader, files=1):
    submission = Submission(enrolment_id=enrolment.id, exam_id=exam.id)
    db.session.add(submission)
    db.session.flush()
    for n in range(files):
        # One live file per submission: the earlier ones were replaced.
        db.session.add(StoredFile(submission_id=submission.id, original_name=f"f{n}.pdf",
                                  content_type="application/pdf", size=10, sha256="a" * 64,
                                  storage_key=f"k{submission.id}-{n}",
                                  uploaded_by_id=uploader.id,
                                  superseded_at=utcnow() if n < files - 1 else None))
    db.session.flush()


def _enrich(db, w):
    """Hand-ins and sheets for every candidate, so the page has something in every cell."""
    for i, (enrolment, user) in enumerate(zip(w.enrolments, w.candidates, strict=True)):
        _hand_in(db, enrolment, w.session.exams[0], user, files=1 + i % 2)
    for i, a in enumerate(w.assignments):
        status = SheetStatus.SUBMITTED if i % 2 else SheetStatus.DRAFT
        db.session.add(GradingSheet(assignment_id=a.id, status=status,
                                    submitted_at=utcnow() if i % 2 else None))
    db.session.commit()


def test_show_lists_candidates_with_their_progress(as_user, world, db):
    w = world(candidates=2, jurors=1)
    _enrich(db, w)
    page = as_user(w.centre_admin).get(f"/sessions/{w.session.id}").get_data(as_text=True)
    for user in w.candidates:
        assert user.email in page and user.last_name in page
    assert "Formation continue" in page  # default access route
    assert "titre complet" in page
    assert "déposé (1 fichier(s))" in page and "déposé (2 fichier(s))" in page
    assert "rien de déposé" in page
    assert w.jurors[0].full_name in page
    assert "grille soumise" in page and "grille en brouillon" in page
    assert "Soutenance orale" in page and "Salle 1" in page and "180 min" in page
    assert f"/sessions/{w.session.id}/exams" in page
    assert f"/sessions/{w.session.id}/enrol" in page
    assert f"/sessions/{w.session.id}/enrolments/{w.enrolments[0].id}/assign" in page


def test_session_page_links_to_its_results(as_user, world):
    w = world(candidates=1, jurors=0)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}").get_data(as_text=True)
    assert f'href="/sessions/{w.session.id}/resultats"' in html


def test_index_shows_counts_and_progress(as_user, world, db):
    w = world(candidates=2, jurors=1)
    _enrich(db, w)
    page = as_user(w.admin).get("/sessions/").get_data(as_text=True)
    assert w.centre.name in page and "épreuves en cours" in page
    # 2 candidates × 3 exams assigned; every second sheet submitted.
    assert "3 grille(s) soumise(s) sur 6 affectée(s)" in page


def _grow(db, w, version, extra):
    """Add ``extra`` candidates (enrolled, assigned, handed in) and one more session."""
    more = build_world(version, candidates=extra, jurors=1)
    from tests.factories import assign, enrol

    for user in more.candidates:
        user.centre_id = w.centre.id
        e = enrol(w.session, user)
        for exam in w.session.exams:
            assign(w.jurors[0], e, exam)
        _hand_in(db, e, w.session.exams[0], user)
    create_session(version, w.centre)
    db.session.commit()


@pytest.mark.parametrize("url", ["/sessions/", "/sessions/{sid}"])
def test_query_count_does_not_grow(as_user, world, db, referential_version, count_queries,
                                   url):
    w = world(candidates=2, jurors=1)
    _enrich(db, w)
    client = as_user(w.admin)
    target = url.format(sid=w.session.id)
    client.get(target)  # warm up
    db.session.expire_all()
    with count_queries() as small:
        assert client.get(target).status_code == 200
    _grow(db, w, referential_version, extra=4)
    db.session.expire_all()
    with count_queries() as big:
        page = client.get(target).get_data(as_text=True)
    if "{sid}" in url:
        assert page.count("/assign") == 6  # one link per enrolled candidate
    else:
        assert page.count('<th scope="row">') == 3  # the world's, the extra world's, the new one
    assert len(big) == len(small), "\n".join(big)
