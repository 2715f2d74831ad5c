"""The référentiel as versioned data plus scoring rules. Pure Python: no Flask,
no database, nothing from assess/."""

from .loader import ReferentialError, load, loads
from .model import (
    Activity,
    Block,
    Competence,
    Criterion,
    Level,
    Modality,
    ModalityPart,
    Referential,
    Rule,
    Scale,
)
from .scoring import (
    RULES,
    Consolidated,
    block_outcome,
    consolidate,
    rule,
    title_outcome,
)

__all__ = [
    "RULES",
    "Activity",
    "Block",
    "Competence",
    "Consolidated",
    "Criterion",
    "Level",
    "Modality",
    "ModalityPart",
    "Referential",
    "ReferentialError",
    "Rule",
    "Scale",
    "block_outcome",
    "consolidate",
    "load",
    "loads",
    "rule",
    "title_outcome",
]
