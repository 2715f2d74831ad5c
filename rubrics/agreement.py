"""How far evaluators of the same work agree, criterion by criterion: pure functions.

For one criterion, the input is the levels each work received (one list per candidate's
épreuve, one level per evaluator who submitted). Every unordered pair of levels given to
the same work is a pair of ratings; pooling them over the session, each pair counted in
both orders so that which evaluator comes first never matters:

- **exact agreement**: the share of pairs with the same level;
- **weighted kappa** (Cohen's, with linear weights on the ordered scale: one step apart
  is half an agreement on a three-level scale): ``(Po − Pe) / (1 − Pe)``, where ``Po`` is
  the observed weighted agreement and ``Pe`` the one expected by chance from how often
  each level is given. It is None when chance alone explains everything (``Pe`` = 1: every
  level given is the same), or with no pair at all.

With two evaluators per work (the usual case) the pairs are exactly the two sheets of
each work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from .model import Scale


@dataclass(frozen=True)
class Agreement:
    pairs: int  # unordered pairs of levels given to the same work
    exact: float | None  # share of those pairs with the same level (0..1)
    kappa: float | None  # linearly weighted Cohen's kappa


def pairs_of(works: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Every unordered pair of levels given to the same work."""
    return [pair for levels in works for pair in combinations(levels, 2)]


def weight(i: int, j: int, steps: int) -> float:
    """Linear agreement weight of levels ``i`` and ``j`` on a scale of ``steps`` + 1 levels."""
    return 1.0 if steps == 0 else 1.0 - abs(i - j) / steps


def agreement(works: Iterable[Sequence[str]], scale: Scale) -> Agreement:
    return agreement_from_counts(Counter(pairs_of(works)), scale)


def agreement_from_counts(pairs: Mapping[tuple[str, str], int], scale: Scale) -> Agreement:
    """The same figures from the pairs already counted ({(level, other level): how many}),
    as a GROUP BY gives them."""
    total = sum(pairs.values())
    if not total:
        return Agreement(0, None, None)
    k = len(scale.codes)
    steps = k - 1
    counts = [[0] * k for _ in range(k)]
    for (a, b), n in pairs.items():  # both orders: a symmetric table
        i, j = scale.index(a), scale.index(b)
        counts[i][j] += n
        counts[j][i] += n
    n = 2 * total
    marginal = [sum(row) / n for row in counts]
    observed = sum(weight(i, j, steps) * counts[i][j] for i in range(k) for j in range(k)) / n
    expected = sum(weight(i, j, steps) * marginal[i] * marginal[j]
                   for i in range(k) for j in range(k))
    exact = sum(c for (a, b), c in pairs.items() if a == b) / total
    kappa = None if expected >= 1.0 - 1e-12 else (observed - expected) / (1.0 - expected)
    return Agreement(total, exact, kappa)
