"""Fixtures of the session admin tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def audit_actions(db):
    """The actions of the audit trail, oldest first."""
    from assess.audit.models import AuditEvent

    def actions(prefix: str = "") -> list[str]:
        rows = db.session.query(AuditEvent.action).order_by(AuditEvent.id).all()
        return [a for (a,) in rows if a.startswith(prefix)]

    return actions
