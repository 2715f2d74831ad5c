"""Fixtures of the session admin tests."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event


@pytest.fixture
def count_queries(db):
    """``with count_queries() as statements:`` collects the SQL run inside the block."""

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def audit_actions(db):
    """The actions of the audit trail, oldest first."""
    from assess.audit.models import AuditEvent

    def actions(prefix: str = "") -> list[str]:
        rows = db.session.query(AuditEvent.action).order_by(AuditEvent.id).all()
        return [a for (a,) in rows if a.startswith(prefix)]

    return actions


@pytest.fixture
def act_as(as_user):
    """``as_user`` that also forgets the user Flask-Login cached on ``g``.

    The ``app`` fixture keeps one app context for the whole test, and each test-client
    request reuses it, so ``g._login_user`` would survive a switch of user.
    """
    from flask import g

    def switch(user, c=None):
        g.pop("_login_user", None)
        return as_user(user, c)

    return switch
