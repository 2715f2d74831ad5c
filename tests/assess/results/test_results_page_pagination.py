"""The session's results page lists its candidates 50 a page (?page=N, 1-based), in
enrolment order; the per-bloc chart and the agreement between evaluators are counted in
SQL over the whole session, with the same statements whatever the number of candidates;
a page asked for out of range is the nearest valid one (the first or the last)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from tests.assess.sessions.test_session_page_pagination import bulk_candidates

ROW = re.compile(r'<th scope="row">Prénom NOM(\d{5})</th>')


def _shown(html: str) -> list[int]:
    """The ranks (NOM00042 → 42) of the candidates of the results table, in page order."""
    return [int(n) for n in ROW.findall(html.split('id="table-heading"')[1])]


@pytest.fixture
def crowd(world):
    """crowd(n) -> world: a session in deliberation of ``n`` bulk-built candidates with a
    result per bloc and a title, two evaluators on bloc 1 (pairs to agree on)."""
    def make(n):
        w = world(candidates=0, jurors=2)
        bulk_candidates(w.session, w.jurors, n, results=True, second_on_first_exam=w.jurors[1])
        return w
    return make


def test_statements_are_the_same_for_10_and_120_candidates(crowd, as_user, count_queries):
    counts, pages = [], []
    for n in (10, 120):
        w = crowd(n)
        client = as_user(w.centre_admin)
        url = f"/sessions/{w.session.id}/resultats"
        client.get(url)  # warm up
        with count_queries() as statements:
            pages.append(client.get(url).get_data(as_text=True))
        counts.append(statements)
    assert len(_shown(pages[0])) == 10 and len(_shown(pages[1])) == 50
    assert len(counts[0]) == len(counts[1]), "\n".join(counts[1])


def test_page_two_lists_candidates_51_to_100(crowd, as_user):
    w = crowd(120)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}/resultats?page=2").get_data(
        as_text=True)
    assert _shown(html) == list(range(50, 100))
    assert "Candidats 51 à 100, page 2 sur 3." in html
    nav = html.split('<nav aria-label="Pages des résultats par candidat"')[1].split("</nav>")[0]
    base = f"/sessions/{w.session.id}/resultats"
    assert f'href="{base}?page=3#table-heading" rel="next"' in nav
    assert f'href="{base}#table-heading" rel="prev"' in nav
    assert re.search(r'aria-current="page">2</a>', nav)


def test_the_chart_and_the_caption_count_the_whole_session(crowd, as_user, db):
    from assess.candidates.models import Enrolment
    from assess.referential.models import Block
    from assess.results.models import BlockResult

    w = crowd(120)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}/resultats?page=3").get_data(
        as_text=True)
    assert len(_shown(html)) == 20
    assert "120 candidat(s) ;" in html
    expected = Counter((number, str(outcome)) for number, outcome in db.session.execute(
        select(Block.number, BlockResult.outcome).join(Block, Block.id == BlockResult.block_id)
        .join(Enrolment, Enrolment.id == BlockResult.enrolment_id)
        .where(Enrolment.session_id == w.session.id)))
    chart = html.split('id="chart-heading"')[1].split("</table>")[0]
    for row in chart.split('<th scope="row">')[1:]:
        number = int(re.match(r"Bloc (\d+)", row).group(1))
        for outcome in ("validated", "not_validated", "pending"):
            shown = int(re.search(rf'data-outcome="{outcome}">(\d+)<', row).group(1))
            assert shown == expected[(number, outcome)], (number, outcome)
    assert sum(expected.values()) == 120 * len(w.session.referential_version.blocks)


def test_the_agreement_is_the_one_rubrics_computes_from_every_sheet(crowd, db):
    """The pairs counted in SQL give the very figures rubrics.agreement gives from the lists
    of levels of every work (what the page computed before)."""
    from assess.results import queries as q
    from rubrics.agreement import agreement

    w = crowd(60)
    session = w.session
    scale = q.scale_of(session.referential_version.data)
    blocks = q.blocks_of_version(session.referential_version_id)
    works: dict = {}
    for (_enrolment, block_id), sheets in q.evaluator_levels(session.id).items():
        submitted = [s for s in sheets.values() if s]
        if len(submitted) < 2:
            continue
        for code in blocks[block_id].codes:
            works.setdefault((block_id, code), []).append(
                [s[code] for s in submitted if s.get(code)])
    expected = [(info.number, code, agreement(works.get((block_id, code), []), scale))
                for block_id, info in blocks.items() for code in info.codes]
    got = [(a.block, a.code, a.agreement) for a in q.criterion_agreement(session)]
    assert got == expected
    # Every second candidate has both sheets of bloc 1 submitted: 30 pairs, some apart.
    assert any(a.pairs == 30 and a.exact is not None and a.exact < 1 for _b, _c, a in got)


@pytest.mark.parametrize("asked, shown", [("0", 1), ("-2", 1), ("x", 1), ("3", 3),
                                          ("4", 3), ("1000000", 3)])
def test_a_page_out_of_range_is_the_nearest_valid_one(crowd, as_user, asked, shown):
    w = crowd(120)
    response = as_user(w.admin).get(f"/sessions/{w.session.id}/resultats?page={asked}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _shown(html) == list(range(50 * (shown - 1), min(50 * shown, 120)))
    assert re.search(rf'aria-current="page">{shown}</a>', html)


def test_one_page_needs_no_navigation_and_no_candidate_says_so(crowd, world, as_user):
    w = crowd(12)
    html = as_user(w.admin).get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert len(_shown(html)) == 12 and 'class="pagination"' not in html
    empty = world(candidates=0, jurors=0)
    html = as_user(empty.admin).get(f"/sessions/{empty.session.id}/resultats?page=2").get_data(
        as_text=True)
    assert "Aucun candidat inscrit à cette session." in html
