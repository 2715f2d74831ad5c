"""The Qualiopi figures computed in SQL: who counts as presented, absent, fully and
partially certified; per session, centre, year, bloc and criterion; published only; a
fixed number of statements."""

from __future__ import annotations

from datetime import datetime

import pytest

from assess.statistics import queries
from assess.statistics.queries import Scope


@pytest.fixture
def app_config(both_databases):
    """Counted on SQLite and on PostgreSQL (the criteria's levels are read with each one's
    JSON function)."""
    return both_databases


def _by_session(lines):
    return {line.session_id: line.figures for line in lines}


def test_each_candidate_is_counted_once_by_the_definitions(db, centres, published_session):
    a, _b, _admins = centres()
    built = published_session(a, ["VVV*", "VNN", "AAA", "NNN", "V-A", "-VV*"])
    [line] = queries.session_lines(Scope())
    f = line.figures
    assert (line.session_id, line.centre, line.year) == (built.session.id, "Centre Alpha", 2025)
    assert (f.enrolled, f.absent, f.presented) == (6, 1, 5)
    assert (f.fully, f.partially, f.not_certified) == (2, 2, 1)
    assert f.blocs_validated == 3 + 1 + 1 + 2
    assert (f.fully_rate, f.partially_rate, f.not_certified_rate, f.absent_rate) == (
        40.0, 40.0, 20.0, round(100 / 6, 1))


def test_per_bloc_enrolled_absent_and_validated(db, centres, published_session):
    a, _b, _admins = centres()
    published_session(a, ["VVV*", "VNN", "AAA", "NNN", "V-A", "-VV*"])
    blocs = {b.number: b.figures for b in queries.bloc_lines(Scope())}
    assert (blocs[1].enrolled, blocs[1].absent, blocs[1].validated) == (5, 1, 3)
    assert (blocs[2].enrolled, blocs[2].absent, blocs[2].validated) == (5, 1, 2)
    assert (blocs[3].enrolled, blocs[3].absent, blocs[3].validated) == (6, 2, 2)
    assert blocs[3].validated_rate == 50.0 and blocs[3].absent_rate == round(200 / 6, 1)


def test_only_published_results_count(db, centres, published_session):
    a, _b, _admins = centres()
    # Results published per candidate before the session is: those count, not the others.
    early = published_session(a, ["VVV*", "VVV*", "NNN"], released=False, unpublished=(1, 2))
    published_session(a, ["VVV*"], released=False, unpublished=(0,))  # nothing published
    figures = _by_session(queries.session_lines(Scope()))
    assert list(figures) == [early.session.id]
    assert (figures[early.session.id].enrolled, figures[early.session.id].fully) == (1, 1)
    # The public page counts only sessions released as a whole.
    assert queries.session_lines(Scope(released_only=True)) == []


def test_filters_and_totals_per_centre_and_year(db, centres, published_session):
    a, b, _admins = centres()
    s1 = published_session(a, ["VVV*", "NNN"], on=datetime(2024, 12, 1))
    s2 = published_session(a, ["VVV*"], on=datetime(2025, 1, 15))
    s3 = published_session(b, ["VNN", "AAA", "VVV*"], on=datetime(2025, 3, 1))
    lines = queries.session_lines(Scope())
    assert [line.session_id for line in lines][:2] != [s1.session.id]  # newest year first
    by_centre, by_year, total = queries.roll_up(lines)
    assert [(g.label, g.figures.enrolled, g.figures.fully) for g in by_centre] == [
        ("Centre Alpha", 3, 2), ("Centre Bêta", 3, 1)]
    assert [(g.label, g.figures.enrolled) for g in by_year] == [("2025", 4), ("2024", 2)]
    assert (total.figures.enrolled, total.figures.absent, total.figures.partially) == (6, 1, 1)
    assert set(_by_session(queries.session_lines(Scope(year=2025)))) == {
        s2.session.id, s3.session.id}
    assert set(_by_session(queries.session_lines(Scope(centre_id=a.id)))) == {
        s1.session.id, s2.session.id}
    assert set(_by_session(queries.session_lines(Scope(session_id=s3.session.id)))) == {
        s3.session.id}
    assert queries.years() == [2025, 2024] and queries.years(b.id) == [2025]
    assert [s[0] for s in queries.sessions_with_results(b.id)] == [s3.session.id]


def test_per_criterion_acquisition_leaves_absent_blocs_out(db, centres, published_session):
    a, _b, _admins = centres()
    published_session(a, ["VVV*", "VNN", "NNN", "AAA"])
    criteria, _agreement = queries.criteria_and_agreement(Scope())
    by_code = {c.code: c for c in criteria}
    assert [c.code for c in criteria][:6] == ["CR1.1", "CR1.2", "CR1.3.1", "CR1.3.2",
                                              "CR1.3.3", "CR1.4"]
    first, other = by_code["CR1.1"], by_code["CR1.2"]
    assert first.counts == {"acquis": 2, "partiellement_acquis": 1}
    assert other.counts == {"acquis": 2, "non_acquis": 1}
    assert (other.graded, other.acquired, other.acquired_rate) == (3, 2, 66.7)
    assert by_code["CR2.1"].counts == {"acquis": 1, "partiellement_acquis": 2}


def test_a_fixed_number_of_statements_whatever_the_sessions(db, centres, published_session,
                                                            count_queries):
    a, b, _admins = centres()
    published_session(a, ["VVV*", "VNN"])
    with count_queries() as few:
        one = queries.statistics(Scope())
    for centre in (a, b, a, b, a):
        published_session(centre, ["VVV*", "AAA", "NNN", "V-A"])
    with count_queries() as many:
        six = queries.statistics(Scope())
    assert (len(one.sessions), len(six.sessions)) == (1, 6)
    assert len(few) == len(many) <= 6
    assert all(s.lstrip().upper().startswith("SELECT") for s in many)
