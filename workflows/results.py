"""Title result for a candidate: computed (private) → published (seen by the candidate)."""

from __future__ import annotations

from .base import Lifecycle, Transition

COMPUTED = "computed"
PUBLISHED = "published"

RESULT = Lifecycle(
    name="result",
    states=frozenset({COMPUTED, PUBLISHED}),
    transitions=(
        Transition("recompute", frozenset({COMPUTED}), COMPUTED),
        Transition("publish", frozenset({COMPUTED}), PUBLISHED),
    ),
    state_labels={COMPUTED: "calculé, non publié", PUBLISHED: "publié"},
)
