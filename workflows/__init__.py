"""Lifecycles as explicit state machines: pure Python, no Flask, no database."""

from .base import Lifecycle, Reason, Refused, Transition, TransitionRefused

__all__ = ["Lifecycle", "Reason", "Refused", "Transition", "TransitionRefused"]
