"""Fixtures of the results tests: submitted grading sheets written directly in the DB."""

from __future__ import annotations

import pytest


@pytest.fixture
def submit_sheet(db):
    """submit_sheet(assignment, default="acquis", levels={code: level}) -> GradingSheet."""
    from assess.core.columns import utcnow
    from assess.grading.models import CriterionMark, GradingSheet, SheetStatus

    def make(assignment, default="acquis", levels=None, status=SheetStatus.SUBMITTED):
        levels = levels or {}
        sheet = GradingSheet(assignment_id=assignment.id, status=status,
                             submitted_at=utcnow() if status == SheetStatus.SUBMITTED else None)
        for criterion in assignment.exam.block.criteria:
            sheet.marks.append(CriterionMark(criterion_id=criterion.id,
                                             level=levels.get(criterion.code, default),
                                             observation="Observation."))
        db.session.add(sheet)
        db.session.commit()
        return sheet

    return make


@pytest.fixture
def grade_all(submit_sheet):
    """Submit a sheet for every assignment of a world, all at ``default``."""

    def make(world, default="acquis"):
        return [submit_sheet(a, default) for a in world.assignments]

    return make


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
