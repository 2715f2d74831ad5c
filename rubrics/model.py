"""The référentiel as immutable values.

Plain frozen dataclasses, no I/O: `rubrics.loader` builds them from the TOML
data file, `rubrics.stored.build_from_data` from the dict the database stores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Level:
    code: str
    label: str


@dataclass(frozen=True)
class Scale:
    """Levels ordered from lowest to highest."""

    levels: tuple[Level, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in self.levels)

    @property
    def top(self) -> str:
        """The level that counts as "acquis"."""
        return self.levels[-1].code

    @property
    def bottom(self) -> str:
        """The level that counts as "non acquis" (a failure)."""
        return self.levels[0].code

    def index(self, code: str) -> int:
        try:
            return self.codes.index(code)
        except ValueError:
            raise ValueError(f"niveau inconnu de l'échelle : {code!r}") from None

    def label(self, code: str) -> str:
        return self.levels[self.index(code)].label


@dataclass(frozen=True)
class Competence:
    code: str
    text: str


@dataclass(frozen=True)
class Criterion:
    code: str
    competence: str
    text: str | None
    missing_text: bool


@dataclass(frozen=True)
class Activity:
    code: str
    title: str


# What a deliverable is handed in as: a file, or the address of content published online.
FILE, URL = "file", "url"


@dataclass(frozen=True)
class Deliverable:
    """Something the candidate hands in for a part, named by the platform (the source
    lists what the candidate must do; this is what they upload for it). ``accepts`` are
    file type keys (``pdf``, ``pptx``, ``odp``): the session may change them, and whether
    the deliverable is required."""

    code: str
    name: str
    kind: str = FILE
    accepts: tuple[str, ...] = ("pdf",)
    required: bool = True


@dataclass(frozen=True)
class ModalityPart:
    """One part of a modality, its text exactly as the source writes it: the lead, then
    the list that follows it (``items``), then the deliverables handed in for it."""

    kind: str
    description: str
    items: tuple[str, ...] = ()
    deliverables: tuple[Deliverable, ...] = ()

    @property
    def text(self) -> str:
        """The part's whole text in the source's order, the list inline."""
        if not self.items:
            return self.description
        listed = ", ".join(f"• {item}" for item in self.items)
        return f"{self.description} {listed}."


@dataclass(frozen=True)
class Modality:
    kind: str
    parts: tuple[ModalityPart, ...]

    @property
    def description(self) -> str:
        """The whole modality text in the source's order (each part's lead and list)."""
        return " ".join(part.text for part in self.parts)

    @property
    def deliverables(self) -> tuple[str, ...]:
        """What the source lists (every part's items), in order."""
        return tuple(item for part in self.parts for item in part.items)

    @property
    def hand_ins(self) -> tuple[Deliverable, ...]:
        return tuple(d for part in self.parts for d in part.deliverables)


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class Rule:
    """A bloc's validation rule: a type from `scoring.RULES` and its params.

    params is deep-frozen (read-only mapping, lists become tuples) so that a
    Rule can be hashed and shared without anyone mutating it in place.
    """

    type: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(dict(self.params)))

    def __hash__(self) -> int:
        return hash((self.type, json.dumps(self.params_dict(), sort_keys=True, default=repr)))

    def params_dict(self) -> dict[str, Any]:
        """A mutable, JSON-friendly copy of params."""
        return _thaw(self.params)


@dataclass(frozen=True)
class Block:
    number: int
    code: str
    title: str
    activities: tuple[Activity, ...]
    competences: tuple[Competence, ...]
    criteria: tuple[Criterion, ...]
    modality: Modality
    rule: Rule

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    def competence(self, code: str) -> Competence:
        for competence in self.competences:
            if competence.code == code:
                return competence
        raise KeyError(code)


@dataclass(frozen=True)
class Referential:
    title: str
    rncp_code: str | None
    scale: Scale
    blocks: tuple[Block, ...]
    gaps: tuple[str, ...] = ()

    # -- look-ups ---------------------------------------------------------
    def block(self, number: int) -> Block:
        for block in self.blocks:
            if block.number == number:
                return block
        raise KeyError(number)

    def criterion(self, code: str) -> Criterion:
        for block in self.blocks:
            for criterion in block.criteria:
                if criterion.code == code:
                    return criterion
        raise KeyError(code)

    def all_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for block in self.blocks for c in block.criteria)

    # -- serialisation ----------------------------------------------------
    def to_json_dict(self, version: int) -> dict[str, Any]:
        """The public JSON shape (API, exports); `version` comes from the DB."""
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ValueError(f"version must be a positive int, got {version!r}")
        return {
            "title": self.title,
            "version": version,
            "blocks": [_public_block_data(b) for b in self.blocks],
        }

    def to_data(self) -> dict[str, Any]:
        """Lossless plain-dict form (what the database stores)."""
        return {
            "title": self.title,
            "rncp_code": self.rncp_code,
            "scale": {"levels": [{"code": lv.code, "label": lv.label} for lv in self.scale.levels]},
            "blocks": [_block_data(b) for b in self.blocks],
            "gaps": list(self.gaps),
        }

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of `to_data()`: equal content, equal hash."""
        canonical = json.dumps(
            self.to_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _block_data(b: Block) -> dict[str, Any]:
    return {
        "number": b.number,
        "code": b.code,
        "title": b.title,
        "activities": [{"code": a.code, "title": a.title} for a in b.activities],
        "competences": [{"code": c.code, "text": c.text} for c in b.competences],
        "criteria": [
            {
                "code": c.code,
                "competence": c.competence,
                "text": c.text,
                "missing_text": c.missing_text,
            }
            for c in b.criteria
        ],
        "modality": {
            "kind": b.modality.kind,
            "parts": [part_data(p) for p in b.modality.parts],
        },
        "rule": {"type": b.rule.type, "params": b.rule.params_dict()},
    }


def part_data(p: ModalityPart) -> dict[str, Any]:
    return {"kind": p.kind, "description": p.description, "items": list(p.items),
            "deliverables": [{"code": d.code, "name": d.name, "kind": d.kind,
                              "accepts": list(d.accepts), "required": d.required}
                             for d in p.deliverables]}


def _public_block_data(b: Block) -> dict[str, Any]:
    """The public subset of `_block_data`: no activities, parts, rule or bloc code. The
    modality's description is its whole text in the source's order; deliverables are
    the items the source lists."""
    data = _block_data(b)
    return {
        "number": data["number"],
        "title": data["title"],
        "modality": {"kind": b.modality.kind, "description": b.modality.description,
                     "deliverables": list(b.modality.deliverables)},
        "competences": data["competences"],
        "criteria": data["criteria"],
    }
