"""Fixtures for the juror grading pages."""

from __future__ import annotations

import pytest


@pytest.fixture
def grading_world(world):
    """One candidate, every épreuve assigned to jurors[0]; jurors[1] is assigned nothing."""
    return world(candidates=1, jurors=2)
