"""Agreement between evaluators, against values computed by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rubrics.agreement import agreement, pairs_of
from rubrics.model import Level, Scale

SCALE = Scale((Level("non_acquis", "non acquis"), Level("partiel", "partiellement acquis"),
               Level("acquis", "acquis")))
N, P, A = "non_acquis", "partiel", "acquis"


def test_four_works_two_evaluators_each():
    """Pairs (N,N) (P,P) (A,P) (A,A). Both orders: 8 ratings; levels N 2, P 3, A 3, so
    p = (1/4, 3/8, 3/8). Linear weights 1, 1/2, 0.
    Po = (2 + 2 + 2 × 1/2 + 2) / 8 = 7/8.
    Pe = Σ w_ij p_i p_j = 1/16 + 2·(1/4·3/8)·1/2 + 9/64 + 2·(3/8·3/8)·1/2 + 9/64 = 37/64.
    κ = (7/8 − 37/64) / (1 − 37/64) = (19/64) / (27/64) = 19/27. Exact: 3 of 4."""
    result = agreement([[N, N], [P, P], [A, P], [A, A]], SCALE)
    assert result.pairs == 4
    assert result.exact == 0.75
    assert result.kappa == pytest.approx(float(Fraction(19, 27)))


def test_total_disagreement_at_the_extremes():
    """(N,A) and (A,N): Po = 0 (weight 0), p = (1/2, 0, 1/2), Pe = 1/4 + 1/4 = 1/2,
    κ = (0 − 1/2) / (1 − 1/2) = −1."""
    result = agreement([[N, A], [A, N]], SCALE)
    assert result.exact == 0 and result.kappa == pytest.approx(-1.0)


def test_perfect_agreement_and_the_undefined_cases():
    assert agreement([[N, N], [A, A]], SCALE).kappa == pytest.approx(1.0)
    everyone_acquis = agreement([[A, A], [A, A]], SCALE)
    assert everyone_acquis.exact == 1 and everyone_acquis.kappa is None  # Pe = 1
    assert agreement([], SCALE) == agreement([[A]], SCALE)  # no pair: nothing to say
    assert agreement([], SCALE).pairs == 0 and agreement([], SCALE).kappa is None


def test_three_evaluators_give_three_pairs():
    """(A,A,P): pairs (A,A), (A,P), (A,P); exact 1/3."""
    assert pairs_of([[A, A, P]]) == [(A, A), (A, P), (A, P)]
    assert agreement([[A, A, P]], SCALE).exact == pytest.approx(1 / 3)


levels = st.sampled_from(SCALE.codes)
works = st.lists(st.lists(levels, min_size=2, max_size=3), min_size=1, max_size=30)


@given(works, st.randoms())
def test_the_order_of_evaluators_and_of_works_never_matters(data, random):
    shuffled = [random.sample(w, len(w)) for w in data]
    random.shuffle(shuffled)
    a, b = agreement(data, SCALE), agreement(shuffled, SCALE)
    assert a.exact == pytest.approx(b.exact)
    assert (a.kappa is None) == (b.kappa is None)
    if a.kappa is not None:
        assert a.kappa == pytest.approx(b.kappa)
        assert -1.0 - 1e-9 <= a.kappa <= 1.0 + 1e-9
