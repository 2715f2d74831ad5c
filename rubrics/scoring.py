"""From evaluators' levels to criterion, bloc and title outcomes.

Pure functions over plain values. Bloc rules live in ONE registry, `RULES`,
filled by the `@rule(name, ...)` decorator; the loader validates a
référentiel's rules against the same registry, so a rule type that loads is
a rule type that can be scored.

A level is "acquired" when it is the scale's top level and "failed" when it
is the bottom level (Scale.top / Scale.bottom).

Every registered rule must be monotone: raising a criterion's level never
turns a validated bloc into a non-validated one. `block_outcome` relies on it
to decide whether missing levels still matter (see `_decide`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .model import Rule, Scale

VALIDATED = "validated"
NOT_VALIDATED = "not_validated"
PENDING = "pending"
BLOCK_OUTCOMES = (VALIDATED, NOT_VALIDATED, PENDING)

AWARDED = "awarded"
NOT_AWARDED = "not_awarded"


class RuleError(ValueError):
    """A rule type or its params are invalid; `param` names the culprit."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


# -- parameters ------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """kind: "count" (int >= 0), "flag" (bool) or "codes" (criterion codes)."""

    kind: str
    required: bool = True
    default: Any = None


def _check_param(name: str, spec: Param, value: Any, codes: Collection[str]) -> Any:
    if spec.kind == "flag":
        if not isinstance(value, bool):
            raise RuleError(f"le paramètre {name} doit valoir true ou false", name)
    elif spec.kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RuleError(f"le paramètre {name} doit être un entier positif ou nul", name)
        if value > len(codes):
            raise RuleError(
                f"le paramètre {name} ({value}) dépasse le nombre de critères du bloc "
                f"({len(codes)})",
                name,
            )
    elif spec.kind == "codes":
        if isinstance(value, str) or not isinstance(value, Sequence) or not value:
            raise RuleError(f"le paramètre {name} doit être une liste non vide de critères", name)
        for code in value:
            if code not in codes:
                raise RuleError(f"le paramètre {name} cite un critère hors du bloc : {code}", name)
        if len(set(value)) != len(value):
            raise RuleError(f"le paramètre {name} cite deux fois le même critère", name)
        value = tuple(value)
    return value


# -- registry --------------------------------------------------------------
@dataclass(frozen=True)
class RuleType:
    """A registered rule: callable as func(levels, scale, **params) -> bool."""

    name: str
    func: Callable[..., bool]
    params: Mapping[str, Param] = field(default_factory=dict)
    check: Callable[[Mapping[str, Any], Collection[str]], None] | None = None

    def __call__(self, levels: Mapping[str, str], scale: Scale, **params: Any) -> bool:
        return self.func(levels, scale, **params)


RULES: dict[str, RuleType] = {}


def rule(
    name: str,
    *,
    check: Callable[[Mapping[str, Any], Collection[str]], None] | None = None,
    **params: Param,
) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    """Register `func(levels, scale, **params) -> bool` as rule type `name`."""

    def register(func: Callable[..., bool]) -> Callable[..., bool]:
        if name in RULES:
            raise ValueError(f"rule type already registered: {name}")
        RULES[name] = RuleType(name, func, dict(params), check)
        return func

    return register


def check_rule(block_rule: Rule, criterion_codes: Collection[str]) -> dict[str, Any]:
    """Validate a rule against a bloc's criteria; return params with defaults."""
    rule_type = RULES.get(block_rule.type)
    if rule_type is None:
        known = ", ".join(sorted(RULES))
        raise RuleError(f"type de règle inconnu : {block_rule.type!r} (connus : {known})")
    codes = tuple(criterion_codes)
    if not codes:
        raise RuleError("la règle s'applique à un bloc sans critère")
    for name in block_rule.params:
        if name not in rule_type.params:
            raise RuleError(f"paramètre inconnu pour la règle {rule_type.name} : {name}", name)
    resolved: dict[str, Any] = {}
    for name, spec in rule_type.params.items():
        if name in block_rule.params:
            resolved[name] = _check_param(name, spec, block_rule.params[name], codes)
        elif spec.required:
            raise RuleError(f"paramètre manquant pour la règle {rule_type.name} : {name}", name)
        else:
            resolved[name] = spec.default
    if rule_type.check:
        rule_type.check(resolved, codes)
    return resolved


# -- the rules -------------------------------------------------------------
def _acquired(levels: Iterable[str], scale: Scale) -> int:
    return sum(1 for level in levels if level == scale.top)


@rule("all_acquired")
def all_acquired(levels: Mapping[str, str], scale: Scale) -> bool:
    """Every criterion of the bloc at the top level (the default rule)."""
    return _acquired(levels.values(), scale) == len(levels)


@rule("threshold", min_acquired=Param("count"), no_fail=Param("flag", False, False))
def threshold(levels: Mapping[str, str], scale: Scale, *, min_acquired: int, no_fail: bool) -> bool:
    """At least `min_acquired` criteria acquired; with no_fail, none failed."""
    if no_fail and scale.bottom in levels.values():
        return False
    return _acquired(levels.values(), scale) >= min_acquired


def _check_mandatory(params: Mapping[str, Any], codes: Collection[str]) -> None:
    rest = len(codes) - len(params["criteria"])
    if params["min_acquired"] > rest:
        raise RuleError(
            f"min_acquired ({params['min_acquired']}) dépasse le nombre de critères "
            f"non obligatoires ({rest})",
            "min_acquired",
        )


@rule(
    "mandatory",
    check=_check_mandatory,
    criteria=Param("codes"),
    min_acquired=Param("count", False, 0),
)
def mandatory(
    levels: Mapping[str, str], scale: Scale, *, criteria: Sequence[str], min_acquired: int
) -> bool:
    """The listed criteria acquired, and `min_acquired` of the others."""
    if any(levels[code] != scale.top for code in criteria):
        return False
    others = (level for code, level in levels.items() if code not in criteria)
    return _acquired(others, scale) >= min_acquired


# -- outcomes --------------------------------------------------------------
@dataclass(frozen=True)
class Consolidated:
    level: str | None
    disagreement: bool
    levels: tuple[str | None, ...]


def consolidate(levels: Sequence[str | None], scale: Scale) -> Consolidated:
    """Independent evaluators' levels for one criterion -> one level.

    Unanimity gives that level. Differing levels give no level and a
    disagreement for the jury to settle at deliberation. While any evaluator
    has not graded (None), nothing is consolidated and no disagreement is
    reported: grading is blind until everyone has submitted.
    """
    given = tuple(levels)
    for level in given:
        if level is not None:
            scale.index(level)  # raises ValueError on an unknown code
    if not given or None in given:
        return Consolidated(None, False, given)
    if len(set(given)) == 1:
        return Consolidated(given[0], False, given)
    return Consolidated(None, True, given)


def _as_rule(block_rule: Rule | Mapping[str, Any]) -> Rule:
    if isinstance(block_rule, Rule):
        return block_rule
    params = {k: v for k, v in block_rule.items() if k != "type"}
    return Rule(block_rule["type"], params)


def block_outcome(
    block_rule: Rule | Mapping[str, Any],
    criterion_levels: Mapping[str, str | None],
    scale: Scale,
) -> str:
    """Outcome of one bloc: "validated", "not_validated" or "pending".

    criterion_levels maps each criterion code of the bloc to its
    (consolidated) level, None when not known yet (not graded, disagreement
    not settled). "pending" only when a missing level could change the
    outcome: a bloc with one criterion "non acquis" is not validated under
    all_acquired whatever the others turn out to be. A bloc with no known level
    at all is pending whatever the rule (even one that any levels satisfy, such
    as threshold with min_acquired 0): nothing is decided before grading, and
    an evaluator who has not submitted leaves every level unknown.
    """
    resolved_rule = _as_rule(block_rule)
    params = check_rule(resolved_rule, criterion_levels.keys())
    for level in criterion_levels.values():
        if level is not None:
            scale.index(level)
    if all(level is None for level in criterion_levels.values()):
        return PENDING
    return _decide(RULES[resolved_rule.type], criterion_levels, scale, params)


def _decide(
    rule_type: RuleType,
    levels: Mapping[str, str | None],
    scale: Scale,
    params: Mapping[str, Any],
) -> str:
    # Rules are monotone, so filling the unknowns with the best and the worst
    # level bounds every possible outcome: if both agree, it is settled.
    best = {code: scale.top if lv is None else lv for code, lv in levels.items()}
    worst = {code: scale.bottom if lv is None else lv for code, lv in levels.items()}
    if rule_type(worst, scale, **params):
        return VALIDATED
    if not rule_type(best, scale, **params):
        return NOT_VALIDATED
    return PENDING


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def still_valid(acquired_on: date, award_date: date, validity_years: int | None) -> bool:
    """Whether a bloc acquired on ``acquired_on`` still counts towards a title awarded on
    ``award_date``: for life when no validity is set, else up to and including the
    anniversary ``validity_years`` later."""
    if validity_years is None:
        return True
    return award_date <= add_years(acquired_on, validity_years)


def title_refused(award_date: date | None, expiry_date: date | None) -> bool:
    """No title may be awarded after the certification's RNCP registration expires."""
    return award_date is not None and expiry_date is not None and award_date > expiry_date


def title_outcome(
    block_outcomes: Mapping[int, str],
    required_blocks: Iterable[int],
    acquired_earlier: Iterable[int] = (),
    *,
    award_date: date | None = None,
    expiry_date: date | None = None,
) -> str:
    """Outcome of the title: "awarded", "not_awarded" or "pending".

    Awarded when every required bloc is validated now or was acquired
    earlier (a validated bloc stays acquired; the caller passes only blocs
    still valid at the award date, see `still_valid`). Not awarded when some
    bloc is not validated and none is still pending. A required bloc neither
    acquired earlier nor in block_outcomes (not sat yet) counts as pending.

    A title the blocs would award is not awarded when the award date falls
    after the RNCP expiry date (`title_refused`); a pending one stays
    pending, the blocs still have to be settled.
    """
    required = tuple(dict.fromkeys(required_blocks))
    if not required:
        raise ValueError("title_outcome: no required bloc")
    for number, outcome in block_outcomes.items():
        if outcome not in BLOCK_OUTCOMES:
            raise ValueError(f"bloc {number}: unknown outcome {outcome!r}")
    earlier = set(acquired_earlier)
    states = [
        VALIDATED if number in earlier else block_outcomes.get(number, PENDING)
        for number in required
    ]
    if all(state == VALIDATED for state in states):
        return NOT_AWARDED if title_refused(award_date, expiry_date) else AWARDED
    if PENDING in states:
        return PENDING
    return NOT_AWARDED
