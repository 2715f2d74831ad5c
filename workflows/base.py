"""A lifecycle is a table of states and allowed transitions, each with an optional guard.

A guard receives the context given to ``check`` and returns ``None`` when the
transition may happen, or a human-readable reason (in French, the UI's default
language) when it may not. A refused transition raises ``TransitionRefused``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Guard = Callable[[Mapping[str, Any]], str | None]


class TransitionRefused(Exception):
    """The one error type for a refused transition; ``reason`` is meant for the user."""

    def __init__(self, reason: str, *, lifecycle: str = "", action: str = "", state: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.lifecycle = lifecycle
        self.action = action
        self.state = state


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    guards: tuple[Guard, ...] = ()


@dataclass(frozen=True)
class Lifecycle:
    name: str
    states: frozenset[str]
    transitions: tuple[Transition, ...]
    state_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.transitions:
            unknown = (t.sources | {t.target}) - self.states
            if unknown:
                raise ValueError(f"{self.name}.{t.action}: unknown states {sorted(unknown)}")

    def allowed_actions(self, state: str, context: Mapping[str, Any] | None = None) -> list[str]:
        """Actions possible from ``state`` whose guards pass, for showing buttons."""
        ctx = context or {}
        return [
            t.action
            for t in self.transitions
            if state in t.sources and all(g(ctx) is None for g in t.guards)
        ]

    def check(self, action: str, state: str, context: Mapping[str, Any] | None = None) -> str:
        """Return the target state of ``action`` from ``state`` or raise ``TransitionRefused``."""
        ctx = context or {}
        candidates = [t for t in self.transitions if t.action == action]
        if not candidates:
            raise ValueError(f"{self.name}: unknown action {action!r}")
        for t in candidates:
            if state in t.sources:
                for guard in t.guards:
                    reason = guard(ctx)
                    if reason:
                        raise TransitionRefused(
                            reason, lifecycle=self.name, action=action, state=state
                        )
                return t.target
        label = self.state_labels.get(state, state)
        raise TransitionRefused(
            f"Action impossible dans l'état « {label} ».",
            lifecycle=self.name, action=action, state=state,
        )
