"""Scoring: rule registry, consolidation, bloc and title outcomes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rubrics import Level, Rule, Scale
from rubrics.scoring import (
    RULES,
    Consolidated,
    RuleError,
    block_outcome,
    check_rule,
    consolidate,
    rule,
    title_outcome,
)

SCALE = Scale(
    (
        Level("non_acquis", "non acquis"),
        Level("partiellement_acquis", "partiellement acquis"),
        Level("acquis", "acquis"),
    )
)
NA, PA, A = SCALE.codes
ALL = Rule("all_acquired")


def levels(*values):
    return {f"CR1.{i}": v for i, v in enumerate(values, 1)}


# -- registry -------------------------------------------------------------------
def test_registry_holds_the_rules():
    assert {"all_acquired", "threshold", "mandatory"} <= set(RULES)
    assert all(callable(r) for r in RULES.values())
    assert RULES["all_acquired"](levels(A, A), SCALE) is True


def test_decorator_registers_and_refuses_duplicates():
    @rule("test_never")
    def never(levels, scale):
        return False

    try:
        assert RULES["test_never"].func is never
        assert block_outcome(Rule("test_never"), levels(A), SCALE) == "not_validated"
        with pytest.raises(ValueError):
            rule("test_never")(never)
    finally:
        del RULES["test_never"]


def test_unknown_rule_type():
    with pytest.raises(ValueError, match="inconnu"):
        block_outcome(Rule("magic"), levels(A), SCALE)


@pytest.mark.parametrize(
    "bad",
    [
        Rule("threshold"),
        Rule("threshold", {"min_acquired": 4}),
        Rule("threshold", {"min_acquired": True}),
        Rule("threshold", {"min_acquired": 1, "no_fail": "yes"}),
        Rule("all_acquired", {"min_acquired": 1}),
        Rule("mandatory", {"criteria": []}),
        Rule("mandatory", {"criteria": ["CR9.9"]}),
        Rule("mandatory", {"criteria": ["CR1.1", "CR1.1"]}),
        Rule("mandatory", {"criteria": "CR1.1"}),
        Rule("mandatory", {"criteria": ["CR1.1"], "min_acquired": 3}),
    ],
)
def test_bad_params_are_refused(bad):
    with pytest.raises(ValueError):
        block_outcome(bad, levels(A, A, A), SCALE)


def test_check_rule_fills_defaults():
    assert check_rule(Rule("threshold", {"min_acquired": 1}), ["CR1.1"]) == {
        "min_acquired": 1,
        "no_fail": False,
    }
    with pytest.raises(RuleError) as caught:
        check_rule(Rule("threshold", {"min_acquired": 5}), ["CR1.1"])
    assert caught.value.param == "min_acquired"


def test_bad_inputs():
    with pytest.raises(ValueError):
        block_outcome(ALL, {}, SCALE)
    with pytest.raises(ValueError):
        block_outcome(ALL, levels("excellent"), SCALE)


# -- the rules -------------------------------------------------------------------
@pytest.mark.parametrize(
    "values, outcome",
    [
        ((A, A, A), "validated"),
        ((A, PA, A), "not_validated"),
        ((A, None, A), "pending"),
        ((NA, None, None), "not_validated"),  # settled whatever the others are
        ((None, None), "pending"),
    ],
)
def test_all_acquired(values, outcome):
    assert block_outcome(ALL, levels(*values), SCALE) == outcome
    assert block_outcome({"type": "all_acquired"}, levels(*values), SCALE) == outcome


@pytest.mark.parametrize(
    "params, values, outcome",
    [
        ({"min_acquired": 2}, (A, A, NA), "validated"),
        ({"min_acquired": 2}, (A, PA, NA), "not_validated"),
        ({"min_acquired": 2, "no_fail": True}, (A, A, NA), "not_validated"),
        ({"min_acquired": 2, "no_fail": True}, (A, A, PA), "validated"),
        ({"min_acquired": 2}, (A, None, NA), "pending"),
        ({"min_acquired": 1}, (A, None, None), "validated"),
        ({"min_acquired": 0}, (NA, NA, NA), "validated"),
    ],
)
def test_threshold(params, values, outcome):
    assert block_outcome(Rule("threshold", params), levels(*values), SCALE) == outcome


@pytest.mark.parametrize(
    "params, values, outcome",
    [
        ({"criteria": ["CR1.1"]}, (A, NA, NA), "validated"),
        ({"criteria": ["CR1.1"]}, (PA, A, A), "not_validated"),
        ({"criteria": ["CR1.1"], "min_acquired": 1}, (A, PA, A), "validated"),
        ({"criteria": ["CR1.1"], "min_acquired": 2}, (A, PA, A), "not_validated"),
        ({"criteria": ["CR1.1", "CR1.2"]}, (A, None, NA), "pending"),
        ({"criteria": ["CR1.1", "CR1.2"]}, (NA, None, NA), "not_validated"),
    ],
)
def test_mandatory(params, values, outcome):
    assert block_outcome(Rule("mandatory", params), levels(*values), SCALE) == outcome


# -- consolidation ---------------------------------------------------------------
def test_consolidate():
    assert consolidate([A, A], SCALE) == Consolidated(A, False, (A, A))
    assert consolidate([A, PA], SCALE) == Consolidated(None, True, (A, PA))
    assert consolidate([A, None], SCALE) == Consolidated(None, False, (A, None))
    assert consolidate([NA, A, None], SCALE).disagreement is False  # still blind
    assert consolidate([], SCALE) == Consolidated(None, False, ())
    assert consolidate([PA], SCALE).level == PA
    with pytest.raises(ValueError):
        consolidate([A, "bof"], SCALE)


# -- title -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "outcomes, earlier, expected",
    [
        ({1: "validated", 2: "validated", 3: "validated"}, (), "awarded"),
        ({1: "validated", 3: "validated"}, (2,), "awarded"),
        ({1: "validated", 2: "not_validated", 3: "validated"}, (), "not_awarded"),
        ({1: "not_validated", 2: "pending", 3: "validated"}, (), "pending"),
        ({1: "validated", 2: "validated"}, (), "pending"),  # bloc 3 not sat yet
        ({1: "not_validated"}, (2, 3), "not_awarded"),
        ({1: "not_validated", 2: "validated", 3: "validated"}, (1,), "awarded"),
    ],
)
def test_title_outcome(outcomes, earlier, expected):
    assert title_outcome(outcomes, [1, 2, 3], earlier) == expected


def test_title_outcome_refuses_bad_input():
    with pytest.raises(ValueError):
        title_outcome({1: "validated"}, [])
    with pytest.raises(ValueError):
        title_outcome({1: "ok"}, [1])


# -- properties ----------------------------------------------------------------------
level = st.sampled_from(SCALE.codes)
maybe_level = st.one_of(st.none(), level)


@st.composite
def rules_and_levels(draw, values=level):
    """A registered rule with valid params, and levels for its bloc."""
    n = draw(st.integers(1, 7))
    codes = [f"CR2.{i}" for i in range(1, n + 1)]
    name = draw(st.sampled_from(["all_acquired", "threshold", "mandatory"]))
    if name == "threshold":
        params = {"min_acquired": draw(st.integers(0, n)), "no_fail": draw(st.booleans())}
    elif name == "mandatory":
        chosen = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
        params = {"criteria": chosen, "min_acquired": draw(st.integers(0, n - len(chosen)))}
    else:
        params = {}
    graded = {code: draw(values) for code in codes}
    return Rule(name, params), graded


def _raise_one(graded, data):
    code = data.draw(st.sampled_from(sorted(graded)))
    current = SCALE.index(graded[code])
    higher = data.draw(st.integers(current, len(SCALE.codes) - 1))
    return {**graded, code: SCALE.codes[higher]}


@given(rules_and_levels(), st.data())
def test_rules_are_monotone(rule_and_levels, data):
    block_rule, graded = rule_and_levels
    before = block_outcome(block_rule, graded, SCALE)
    after = block_outcome(block_rule, _raise_one(graded, data), SCALE)
    assert before in ("validated", "not_validated")
    if before == "validated":
        assert after == "validated"


@given(rules_and_levels(values=maybe_level), st.data())
def test_settled_outcomes_hold_whatever_the_missing_levels(rule_and_levels, data):
    block_rule, graded = rule_and_levels
    outcome = block_outcome(block_rule, graded, SCALE)
    filled = {c: lv if lv is not None else data.draw(level) for c, lv in graded.items()}
    final = block_outcome(block_rule, filled, SCALE)
    if outcome != "pending":
        assert final == outcome
    if None not in graded.values():
        assert outcome != "pending"


@given(st.lists(level, min_size=1, max_size=6))
def test_all_acquired_iff_every_level_is_top(values):
    outcome = block_outcome(ALL, levels(*values), SCALE)
    assert (outcome == "validated") == all(v == A for v in values)


@given(level, st.integers(1, 5))
def test_consolidate_identical_levels(value, n):
    result = consolidate([value] * n, SCALE)
    assert result.level == value and not result.disagreement


@given(st.lists(maybe_level, max_size=5), st.randoms())
def test_consolidate_ignores_evaluator_order(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)
    a, b = consolidate(values, SCALE), consolidate(shuffled, SCALE)
    assert (a.level, a.disagreement) == (b.level, b.disagreement)
    assert a.disagreement == (None not in values and len(set(values)) > 1)


outcome = st.sampled_from(["validated", "not_validated", "pending"])


@given(
    st.dictionaries(st.integers(1, 4), outcome),
    st.sets(st.integers(1, 4)),
    st.sets(st.integers(1, 4), min_size=1),
)
def test_title_awarded_iff_every_bloc_validated_or_acquired(outcomes, earlier, required):
    result = title_outcome(outcomes, required, earlier)
    ok = [n in earlier or outcomes.get(n) == "validated" for n in required]
    assert (result == "awarded") == all(ok)
    states = [outcomes.get(n, "pending") for n, done in zip(required, ok, strict=True) if not done]
    if result == "not_awarded":
        assert "not_validated" in states and "pending" not in states
    if result == "pending":
        assert "pending" in states
