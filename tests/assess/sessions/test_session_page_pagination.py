"""The session page lists its candidates 50 a page (?page=N, 1-based), in name order, the
total counted in SQL, with the same statements whatever the number of candidates; a page
asked for out of range is the nearest valid one (the first or the last)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, insert, select


def bulk_candidates(session, jurors, n, *, start=0, results=False, second_on_first_exam=None):
    """Add ``n`` candidates named NOM00000… to ``session`` (every bloc, every épreuve
    assigned to ``jurors[0]``, one file handed in on the first épreuve, every second sheet
    submitted with its marks), plus, with ``results``, a result per bloc and a title.
    Returns the new enrolment ids in page order."""
    from assess.accounts.models import Role, User
    from assess.candidates.models import AccessRoute, Candidate, Enrolment, enrolment_blocks
    from assess.core.columns import utcnow
    from assess.extensions import db
    from assess.grading.models import CriterionMark, GradingSheet, SheetStatus
    from assess.juries.models import Assignment
    from assess.results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
    from assess.submissions.models import StoredFile, Submission

    now = utcnow()
    base = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    blocks = list(session.referential_version.blocks)
    exams = list(session.exams)
    criteria = {b.id: list(b.criteria) for b in blocks}
    rows = {k: [] for k in ("users", "cands", "enrols", "links", "assign", "subs", "files",
                            "sheets", "marks", "blocks", "titles")}
    aid = (db.session.scalar(select(func.max(Assignment.id))) or 0) + 1
    sid = (db.session.scalar(select(func.max(GradingSheet.id))) or 0) + 1
    sub_id = (db.session.scalar(select(func.max(Submission.id))) or 0) + 1
    ids = []
    evaluators = [jurors[0]] + ([second_on_first_exam] if second_on_first_exam else [])
    for i in range(n):
        uid = base + i
        ids.append(uid)
        rows["users"].append({"id": uid, "email": f"bulk{session.id}-{uid}@exemple.fr",
                              "first_name": "Prénom", "last_name": f"NOM{start + i:05d}",
                              "role": Role.CANDIDATE, "centre_id": session.centre_id,
                              "password_hash": None, "active": True, "is_demo": False,
                              "created_at": now})
        rows["cands"].append({"id": uid, "user_id": uid, "centre_id": session.centre_id,
                              "access_route": AccessRoute.CONTINUING,
                              "birth_date": date(1990, 1, 1)})
        rows["enrols"].append({"id": uid, "session_id": session.id, "candidate_id": uid,
                               "full_title": True, "created_at": now})
        for b in blocks:
            rows["links"].append({"enrolment_id": uid, "block_id": b.id})
        for k, exam in enumerate(exams):
            for j, juror in enumerate(evaluators if k == 0 else evaluators[:1]):
                rows["assign"].append({"id": aid, "juror_id": juror.id, "enrolment_id": uid,
                                       "exam_id": exam.id, "created_at": now})
                if (i + k + j) % 2 or j:
                    rows["sheets"].append({"id": sid, "assignment_id": aid,
                                           "status": SheetStatus.SUBMITTED, "submitted_at": now,
                                           "updated_at": now, "version": 1})
                    for c, crit in enumerate(criteria[exam.block_id]):
                        level = "non_acquis" if j and c == 0 and i % 3 == 0 else "acquis"
                        rows["marks"].append({"sheet_id": sid, "criterion_id": crit.id,
                                              "level": level, "observation": ""})
                    sid += 1
                aid += 1
        rows["subs"].append({"id": sub_id, "enrolment_id": uid, "exam_id": exams[0].id,
                             "created_at": now, "updated_at": now})
        rows["files"].append({"submission_id": sub_id, "original_name": "f.pdf",
                              "content_type": "application/pdf", "size": 10,
                              "sha256": "a" * 64, "storage_key": f"bulk-{sub_id}",
                              "uploaded_by_id": uid, "uploaded_at": now})
        sub_id += 1
        if results:
            outcomes = []
            for b in blocks:
                outcome = (BlockOutcome.NOT_VALIDATED if (i + b.number) % 7 == 0
                           else BlockOutcome.PENDING if (i + b.number) % 11 == 0
                           else BlockOutcome.VALIDATED)
                outcomes.append(outcome)
                rows["blocks"].append({"enrolment_id": uid, "block_id": b.id, "outcome": outcome,
                                       "proposed_outcome": str(outcome),
                                       "criterion_levels": {}, "disagreements": [],
                                       "computed_at": now})
            awarded = all(o == BlockOutcome.VALIDATED for o in outcomes)
            rows["titles"].append({"enrolment_id": uid, "computed_at": now,
                                   "outcome": TitleOutcome.AWARDED if awarded
                                   else TitleOutcome.NOT_AWARDED})
    for model, key in ((User, "users"), (Candidate, "cands"), (Enrolment, "enrols"),
                       (enrolment_blocks, "links"), (Assignment, "assign"),
                       (Submission, "subs"), (StoredFile, "files"), (GradingSheet, "sheets"),
                       (CriterionMark, "marks"), (BlockResult, "blocks"),
                       (TitleResult, "titles")):
        for at in range(0, len(rows[key]), 2000):
            db.session.execute(insert(model), rows[key][at:at + 2000])
    db.session.commit()
    return ids


NAME = re.compile(r">NOM(\d{5}) Prénom</a>")  # the name that links to the record


def _shown(html: str) -> list[int]:
    """The ranks (NOM00042 → 42) of the candidates listed, in page order."""
    table = html.split('id="candidates-title"')[1]
    return [int(n) for n in NAME.findall(table)]


@pytest.fixture
def crowd(world, db):
    """crowd(n) -> (world, enrolment ids): a session of ``n`` bulk-built candidates."""
    def make(n, **kwargs):
        w = world(candidates=0, jurors=2, **kwargs)
        return w, bulk_candidates(w.session, w.jurors, n)
    return make


def test_statements_are_the_same_for_10_and_120_candidates(crowd, as_user, db, count_queries):
    w, _ids = crowd(10)
    client = as_user(w.admin)
    url = f"/sessions/{w.session.id}"
    client.get(url)  # warm up
    with count_queries() as small:
        assert client.get(url).status_code == 200
    bulk_candidates(w.session, w.jurors, 110, start=10)
    with count_queries() as big:
        page = client.get(url).get_data(as_text=True)
    assert page.count("/assign\"") == 50  # one page of 50, not the 120
    assert len(big) == len(small), "\n".join(big)


def test_page_two_lists_candidates_51_to_100_and_the_totals(crowd, as_user):
    w, _ids = crowd(120)
    html = as_user(w.centre_admin).get(f"/sessions/{w.session.id}?page=2").get_data(
        as_text=True)
    assert _shown(html) == list(range(50, 100))  # ranks 51 to 100, in name order
    assert "120 candidats inscrits" in html and "candidats 51 à 100, page 2 sur 3" in html
    assert re.search(r"<dd>120 · ", html)  # the figure of the summary is the total too


def test_the_order_is_by_name_not_by_enrolment(crowd, as_user, db):
    from assess.accounts.models import User
    from assess.candidates.models import Candidate, Enrolment

    w, ids = crowd(60)
    # The last enrolled gets the first name of the alphabet: it opens page 1.
    user = db.session.scalar(select(User).join(Candidate, Candidate.user_id == User.id)
                             .join(Enrolment, Enrolment.candidate_id == Candidate.id)
                             .where(Enrolment.id == ids[-1]))
    user.last_name = "AAA-PREMIER"
    db.session.commit()
    client = as_user(w.admin)
    first = client.get(f"/sessions/{w.session.id}").get_data(as_text=True)
    second = client.get(f"/sessions/{w.session.id}?page=2").get_data(as_text=True)
    assert first.split('id="candidates-title"')[1].index("AAA-PREMIER") < \
        first.split('id="candidates-title"')[1].index("NOM00000")
    assert _shown(first) == list(range(49))
    assert _shown(second) == list(range(49, 59))


def test_the_navigation_is_accessible_and_links_every_page(crowd, as_user):
    w, _ids = crowd(120)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}?page=2").get_data(as_text=True)
    nav = html.split('<nav aria-label="Pages de la liste des candidats" class="pagination">')[1]
    nav = nav.split("</nav>")[0]
    base = f"/sessions/{w.session.id}"
    assert f'href="{base}#candidates-title" rel="prev"' in nav  # page 1: the plain address
    assert f'href="{base}?page=3#candidates-title" rel="next"' in nav
    current = re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"[^>]*>(\d+)</a>', nav)
    assert current == [(f"{base}?page=2#candidates-title", "2")]
    assert [int(p) for p in re.findall(r">(\d+)</a>", nav)] == [1, 2, 3]
    assert 'aria-label="Page 3 sur 3"' in nav


@pytest.mark.parametrize("asked, shown", [("0", 1), ("-4", 1), ("abc", 1), ("", 1),
                                          ("3", 3), ("4", 3), ("999999", 3)])
def test_a_page_out_of_range_is_the_nearest_valid_one(crowd, as_user, asked, shown):
    w, _ids = crowd(120)
    response = as_user(w.admin).get(f"/sessions/{w.session.id}?page={asked}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _shown(html) == list(range(50 * (shown - 1), min(50 * shown, 120)))
    assert re.search(rf'aria-current="page">{shown}</a>', html)


def test_one_page_needs_no_navigation(crowd, as_user):
    w, _ids = crowd(50)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}").get_data(as_text=True)
    assert _shown(html) == list(range(50)) and 'class="pagination"' not in html
    assert "50 candidats inscrits" in html and "page 1 sur" not in html


def test_an_empty_session_still_says_so(world, as_user):
    w = world(candidates=0, jurors=0)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}?page=5").get_data(as_text=True)
    assert "Aucun candidat inscrit." in html and 'class="pagination"' not in html


def test_the_cells_of_a_page_keep_their_files_jurors_and_sheets(crowd, as_user):
    w, _ids = crowd(60)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}?page=2").get_data(as_text=True)
    table = html.split('id="candidates-title"')[1]
    assert table.count("déposé (1 fichier(s))") == 10  # the first épreuve of each of 10
    assert "grille soumise" in table and "grille non commencée" in table
    assert w.jurors[0].full_name in table and "Formation continue" in table
