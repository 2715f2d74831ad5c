"""Fixtures of the results tests (submitted sheets: ``submit_sheet``, ``grade_all`` in
tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def results_of(db):
    """results_of(enrolment) -> ({bloc number: BlockResult}, TitleResult or None)."""
    from sqlalchemy import select

    from assess.results.models import BlockResult, TitleResult

    def read(enrolment):
        db.session.expire_all()
        blocks = db.session.scalars(
            select(BlockResult).where(BlockResult.enrolment_id == enrolment.id))
        title = db.session.scalar(
            select(TitleResult).where(TitleResult.enrolment_id == enrolment.id))
        return {r.block.number: r for r in blocks}, title

    return read


@pytest.fixture
def world(world):
    """The results tests' worlds: sessions in deliberation (where results are computed)."""
    from workflows.session import SessionStatus

    def make(**kwargs):
        kwargs.setdefault("status", SessionStatus.DELIBERATION)
        return world(**kwargs)

    return make
