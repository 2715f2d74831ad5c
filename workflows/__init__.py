"""Lifecycles as explicit state machines: pure Python, no Flask, no database."""

from .base import Lifecycle, Transition, TransitionRefused

__all__ = ["Lifecycle", "Transition", "TransitionRefused"]
