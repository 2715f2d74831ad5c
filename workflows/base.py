"""A lifecycle is a table of states and allowed transitions, each with optional guards.

Each lifecycle names the frozen dataclass its guards read (``context``): ``check``
refuses any other object, and building one without a field is an error, so a
misspelt or forgotten fact can never let a guard pass.

A guard returns ``None`` when the transition may happen, or a human-readable reason
when it may not: a French message marked with ``N_`` (so the catalogue extracts it),
or a ``Reason`` with parameters. A refused transition raises ``TransitionRefused``;
its ``reason`` is rendered through the translator the application installs
(``set_translator``), so this package stays free of Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, is_dataclass
from typing import Any

_translate: Callable[[str], str] = str


def set_translator(translate: Callable[[str], str]) -> None:
    """Install the function that translates a message id (the app's gettext)."""
    global _translate
    _translate = translate


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown."""
    return message


@dataclass(frozen=True)
class Reason:
    """A message id with named parameters, rendered in the reader's language."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        text = _translate(self.message)
        if not self.params:
            return text
        return text % {k: _translate(v) if isinstance(v, str) else v
                       for k, v in self.params.items()}


class Refused(Exception):
    """The base of every refusal the platform explains to the person who asked: a
    transition a lifecycle refuses, a value an operation cannot store, an action the user
    may not take. ``reason`` is meant for them, in their language."""

    def __init__(self, reason: str | Reason):
        self._reason = reason if isinstance(reason, Reason) else Reason(reason)
        super().__init__(self._reason.message)

    @property
    def reason(self) -> str:
        return self._reason.render()

    def __str__(self) -> str:
        return self.reason


class TransitionRefused(Refused):
    """A transition a lifecycle refuses from the current state (or a guard refuses)."""

    def __init__(self, reason: str | Reason, *, lifecycle: str = "", action: str = "",
                 state: str = ""):
        super().__init__(reason)
        self.lifecycle = lifecycle
        self.action = action
        self.state = state


Guard = Callable[[Any], "str | Reason | None"]


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
    # The frozen dataclass the guards read; ``check`` accepts nothing else.
    context: type
    state_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.transitions:
            unknown = (t.sources | {t.target}) - self.states
            if unknown:
                raise ValueError(f"{self.name}.{t.action}: unknown states {sorted(unknown)}")
        params = getattr(self.context, "__dataclass_params__", None)
        if not (is_dataclass(self.context) and params is not None and params.frozen):
            raise TypeError(f"{self.name}: context must be a frozen dataclass")

    def _checked(self, context: Any) -> Any:
        if not isinstance(context, self.context):
            raise TypeError(f"{self.name}: the guards read a {self.context.__name__}, "
                            f"not {type(context).__name__}")
        return context

    def allowed_actions(self, state: str, context: Any) -> list[str]:
        """Actions possible from ``state`` whose guards pass, for showing buttons."""
        ctx = self._checked(context)
        return [
            t.action
            for t in self.transitions
            if state in t.sources and all(g(ctx) is None for g in t.guards)
        ]

    def refusal(self, action: str, state: str, context: Any) -> str | None:
        """Why ``action`` is refused now (to show next to a disabled button), or None."""
        try:
            self.check(action, state, context)
        except TransitionRefused as exc:
            return exc.reason
        return None

    def check(self, action: str, state: str, context: Any) -> str:
        """Return the target state of ``action`` from ``state`` or raise ``TransitionRefused``."""
        ctx = self._checked(context)
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
            Reason(N_("Action impossible dans l'état « %(state)s »."), {"state": label}),
            lifecycle=self.name, action=action, state=state,
        )
