"""The results page shows, per criterion, how far the evaluators of the same work agree
(rubrics.agreement), in a fixed number of statements."""

from __future__ import annotations

import html

from tests.factories import assign


def _two_evaluators(world, submit_sheet, candidates):
    w = world(candidates=candidates, jurors=2)  # jurors[0] already grades every épreuve
    bloc1 = w.session.exams[0]
    for enrolment, first in zip(w.enrolments, w.assignments[::3], strict=True):
        submit_sheet(first)
        submit_sheet(assign(w.jurors[1], enrolment, bloc1), levels={"CR1.1": "non_acquis"})
    return w


def test_each_criterion_shows_its_exact_agreement_and_kappa(db, world, as_user, submit_sheet):
    w = _two_evaluators(world, submit_sheet, 2)
    page = html.unescape(as_user(w.centre_admin).get(
        f"/sessions/{w.session.id}/resultats").get_data(as_text=True))
    section = page.split("Accord entre évaluateurs, par critère")[1].split("</section>")[0]
    rows = {r.split()[0]: r for r in section.split('<th scope="row">')[1:]}
    assert "CR1.1" in section and "0 %" in rows["CR1.1"]  # always "acquis" vs "non acquis"
    other = next(code for code in rows if code != "CR1.1")
    assert "100 %" in rows[other] and "non calculable" in rows[other]  # all the same level
    assert "CR2.1" not in section  # one evaluator only on bloc 2: no pair


def test_the_page_runs_the_same_statements_for_2_and_8_candidates(db, world, as_user,
                                                                 submit_sheet, count_queries):
    counts = []
    for n in (2, 8):
        w = _two_evaluators(world, submit_sheet, n)
        client = as_user(w.centre_admin)
        with count_queries() as statements:
            assert client.get(f"/sessions/{w.session.id}/resultats").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
