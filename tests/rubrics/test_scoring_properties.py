"""Properties of the rules, from the evaluators' levels to the title (issue 10).

Each candidate is drawn as a few blocs, each with a registered rule and random valid
params, graded by one to three independent evaluators (a sheet not submitted yet is
None). `_bloc` chains the pure functions as the computation does
(assess/results/compute.py): `consolidate` per criterion, then `block_outcome`; the
title comes from `title_outcome`. The scale is the référentiel's own.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rubrics import Rule
from rubrics.loader import load
from rubrics.scoring import (
    AWARDED,
    NOT_AWARDED,
    NOT_VALIDATED,
    PENDING,
    VALIDATED,
    add_years,
    block_outcome,
    consolidate,
    still_valid,
    title_outcome,
    title_refused,
)

SCALE = load().scale
LEVELS = SCALE.codes  # lowest to highest
level = st.sampled_from(LEVELS)


# -- strategies ------------------------------------------------------------------------
@st.composite
def rules(draw, codes):
    """A registered rule with random valid params for a bloc of ``codes``."""
    n = len(codes)
    name = draw(st.sampled_from(["all_acquired", "threshold", "mandatory"]))
    if name == "threshold":
        return Rule(name, {"min_acquired": draw(st.integers(0, n)),
                           "no_fail": draw(st.booleans())})
    if name == "mandatory":
        chosen = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
        return Rule(name, {"criteria": chosen,
                           "min_acquired": draw(st.integers(0, n - len(chosen)))})
    return Rule(name)


@st.composite
def blocs(draw, number, *, pending_sheets=True):
    """(rule, codes, sheets) of bloc ``number``: each sheet {code: level}, or None while
    its evaluator has not submitted."""
    codes = [f"CR{number}.{i}" for i in range(1, draw(st.integers(1, 5)) + 1)]
    sheet = st.fixed_dictionaries({code: level for code in codes})
    if pending_sheets:
        sheet = st.one_of(st.none(), sheet)
    sheets = draw(st.lists(sheet, min_size=1, max_size=3))
    return draw(rules(codes)), codes, sheets


@st.composite
def candidates(draw, *, pending_sheets=True):
    """{bloc number: (rule, codes, sheets)} for one candidate's blocs."""
    count = draw(st.integers(1, 4))
    return {n: draw(blocs(n, pending_sheets=pending_sheets)) for n in range(1, count + 1)}


# -- the chain, as the computation runs it ----------------------------------------------
def _bloc(rule, codes, sheets):
    """(outcome, {code: consolidated level}, [codes in disagreement])."""
    levels, disagreements = {}, []
    for code in codes:
        merged = consolidate([None if s is None else s[code] for s in sheets], SCALE)
        levels[code] = merged.level
        if merged.disagreement:
            disagreements.append(code)
    return block_outcome(rule, levels, SCALE), levels, disagreements


def _outcomes(candidate):
    return {n: _bloc(*spec)[0] for n, spec in candidate.items()}


def _submitted(sheets):
    return [i for i, s in enumerate(sheets) if s is not None]


# -- (a) blocs are independent ------------------------------------------------------------
@given(candidates(), st.data())
def test_changing_a_level_on_one_bloc_never_changes_another_blocs_outcome(candidate, data):
    """(a) Changing one evaluator's level on one bloc never changes another bloc's
    outcome."""
    number = data.draw(st.sampled_from(sorted(candidate)))
    rule, codes, sheets = candidate[number]
    graded = _submitted(sheets)
    if not graded:
        return
    who = data.draw(st.sampled_from(graded))
    code = data.draw(st.sampled_from(codes))
    changed = list(sheets)
    changed[who] = {**sheets[who], code: data.draw(level)}
    before = _outcomes(candidate)
    after = _outcomes({**candidate, number: (rule, codes, changed)})
    assert {n: o for n, o in after.items() if n != number} == \
        {n: o for n, o in before.items() if n != number}


# -- (b) monotonicity ------------------------------------------------------------------------
def _raise(value, data):
    return LEVELS[data.draw(st.integers(LEVELS.index(value), len(LEVELS) - 1))]


@given(candidates(), st.data())
def test_raising_an_evaluators_level_never_fails_a_validated_bloc(candidate, data):
    """(b) Raising one level (on the ordered scale) never turns a validated bloc into a
    not validated one, for every rule type. (It may make it pending: evaluators who
    agreed may now disagree, and the jury settles it.) Nor does it turn an awarded title
    into a refused one."""
    number = data.draw(st.sampled_from(sorted(candidate)))
    rule, codes, sheets = candidate[number]
    graded = _submitted(sheets)
    if not graded:
        return
    who = data.draw(st.sampled_from(graded))
    code = data.draw(st.sampled_from(codes))
    raised = list(sheets)
    raised[who] = {**sheets[who], code: _raise(sheets[who][code], data)}
    before = _outcomes(candidate)
    after = _outcomes({**candidate, number: (rule, codes, raised)})
    if before[number] == VALIDATED:
        assert after[number] != NOT_VALIDATED
    required = sorted(candidate)
    if title_outcome(before, required) == AWARDED:
        assert title_outcome(after, required) != NOT_AWARDED


@given(blocs(1), st.data())
def test_raising_a_consolidated_level_keeps_a_validated_bloc_validated(bloc, data):
    """(b) On the consolidated levels themselves (a criterion settled or not yet known),
    raising one known level keeps a validated bloc validated, for every rule type."""
    rule, codes, _sheets = bloc
    levels = {code: data.draw(st.one_of(st.none(), level)) for code in codes}
    known = [code for code, value in levels.items() if value is not None]
    if not known:
        return
    code = data.draw(st.sampled_from(known))
    raised = {**levels, code: _raise(levels[code], data)}
    if block_outcome(rule, levels, SCALE) == VALIDATED:
        assert block_outcome(rule, raised, SCALE) == VALIDATED


# -- (c) the order of evaluators -------------------------------------------------------------
@given(blocs(1), st.randoms())
def test_the_order_of_evaluators_never_matters(bloc, random):
    """(c) Permuting the evaluators never changes the consolidated levels, the
    disagreements or the outcome."""
    rule, codes, sheets = bloc
    shuffled = list(sheets)
    random.shuffle(shuffled)
    assert _bloc(rule, codes, shuffled) == _bloc(rule, codes, sheets)


# -- pending evaluators ---------------------------------------------------------------------
@given(blocs(1, pending_sheets=False), st.data())
def test_a_pending_evaluator_keeps_the_bloc_pending(bloc, data):
    """An evaluator who has not submitted keeps the bloc pending, whatever the others
    gave and whatever the rule: grading is blind until everyone has submitted."""
    rule, codes, sheets = bloc
    waiting = list(sheets)
    waiting.insert(data.draw(st.integers(0, len(sheets))), None)
    outcome, levels, disagreements = _bloc(rule, codes, waiting)
    assert outcome == PENDING
    assert disagreements == [] and set(levels.values()) == {None}


# -- (d) the title -----------------------------------------------------------------------------
AWARD = st.dates(date(2024, 1, 1), date(2035, 12, 31))
VALIDITY = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def acquired_in_time(draw, award_date, validity_years):
    """A day a bloc was acquired that is still valid on ``award_date``."""
    oldest = (date(2015, 1, 1) if validity_years is None
              else add_years(award_date, -validity_years))
    oldest = max(oldest, date(2015, 1, 1))
    if validity_years is not None and add_years(oldest, validity_years) < award_date:
        oldest += timedelta(days=1)  # 29 February, counted as 28 February
    return draw(st.dates(oldest, award_date - timedelta(days=1)))


@given(st.data(), AWARD, VALIDITY, st.integers(1, 5))
def test_every_bloc_validated_somewhere_in_time_gets_the_title(data, award_date,
                                                                validity_years, count):
    """(d) A candidate with every bloc validated in this session or in an earlier one,
    still valid on the award date, gets the title (before the RNCP expiry)."""
    required = list(range(1, count + 1))
    earlier_ones = data.draw(st.sets(st.sampled_from(required)))
    acquired = {n: data.draw(acquired_in_time(award_date, validity_years))
                for n in earlier_ones}
    now = {}
    for n in required:
        if n not in earlier_ones or data.draw(st.booleans()):  # sat again, any outcome
            rule, codes, _ = data.draw(blocs(n))
            full = [{code: SCALE.top for code in codes}] * data.draw(st.integers(1, 3))
            graded = full if n not in earlier_ones else data.draw(
                st.sampled_from([full, [None], [{code: SCALE.bottom for code in codes}]]))
            now[n] = _bloc(rule, codes, graded)[0]
            if n not in earlier_ones:
                assert now[n] == VALIDATED  # every rule validates a bloc wholly acquired
    counted = {n for n, on in acquired.items() if still_valid(on, award_date, validity_years)}
    assert counted == set(earlier_ones)
    expiry = data.draw(st.one_of(st.none(), st.dates(award_date, date(2040, 12, 31))))
    outcome = title_outcome(now, required, counted, award_date=award_date,
                            expiry_date=expiry)
    assert outcome == AWARDED


@given(AWARD, st.integers(1, 5), st.integers(1, 400))
def test_a_lapsed_bloc_no_longer_counts(award_date, validity_years, late_by):
    """A bloc acquired more than the validity period before the award date no longer
    counts: without sitting it again, the title waits for it."""
    acquired_on = add_years(award_date, -validity_years) - timedelta(days=late_by)
    assert not still_valid(acquired_on, award_date, validity_years)
    assert still_valid(acquired_on, award_date, None)  # no validity set: for life
    counted = {1} if still_valid(acquired_on, award_date, validity_years) else set()
    assert title_outcome({2: VALIDATED}, [1, 2], counted) == PENDING


@given(AWARD, st.integers(1, 3000), st.dictionaries(st.integers(1, 4),
                                                     st.sampled_from([VALIDATED,
                                                                      NOT_VALIDATED,
                                                                      PENDING])))
def test_no_title_is_awarded_after_the_rncp_expiry(award_date, days, outcomes):
    """After the RNCP expiry date no title is awarded: one the blocs would award is
    refused, the others keep their outcome."""
    expiry = award_date - timedelta(days=days)
    assert title_refused(award_date, expiry)
    assert not title_refused(award_date, award_date) and not title_refused(award_date, None)
    required = [1, 2, 3, 4]
    free = title_outcome(outcomes, required)
    refused = title_outcome(outcomes, required, award_date=award_date, expiry_date=expiry)
    assert refused == (NOT_AWARDED if free == AWARDED else free)
