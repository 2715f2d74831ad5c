"""Fixtures for the juror grading pages."""

from __future__ import annotations

import pytest


@pytest.fixture
def grading_world(world):
    """One candidate, every épreuve assigned to jurors[0]; jurors[1] is assigned nothing."""
    return world(candidates=1, jurors=2)


@pytest.fixture
def count_queries(db):
    """Count SQL statements run inside a ``with`` block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements: list[str] = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)

    return counting
