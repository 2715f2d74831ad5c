"""save_sheet / submit_sheet called directly: versions, validation, workflow, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from assess.audit.models import AuditEvent
from assess.grading import operations as ops
from assess.grading.models import GradingSheet, SheetStatus
from assess.sessions.models import SessionStatus
from tests.assess.grading.grading_helpers import bloc_assignment, criteria, form_data, sheet_url
from tests.factories import move_to
from workflows.base import TransitionRefused


def _values(assignment, level=None, observation=None, codes=None):
    return {c.id: {"level": level, "observation": observation or ""}
            for c in criteria(assignment) if codes is None or c.code in codes}


def test_first_save_creates_the_sheet_with_one_mark_per_criterion(db, grading_world):
    a = bloc_assignment(grading_world, 2)
    juror = grading_world.jurors[0]
    sheet = ops.save_sheet(juror, a, _values(a, codes={"CR2.1"}, level="acquis"), 0)
    db.session.commit()
    assert [m.criterion.code for m in sheet.marks] == ["CR2.1", "CR2.2.1", "CR2.2.2", "CR2.3"]
    assert sheet.status == SheetStatus.DRAFT
    first = sheet.version
    ops.save_sheet(juror, a, _values(a, codes={"CR2.3"}, observation="Publié sur le CMS"),
                   first)
    db.session.commit()
    assert sheet.version == first + 1
    assert [m.level for m in sheet.marks][0] == "acquis"  # keys not given are kept


def test_partial_values_keep_what_is_stored(db, grading_world):
    a = bloc_assignment(grading_world, 2)
    juror = grading_world.jurors[0]
    cr21 = criteria(a)[0]
    sheet = ops.save_sheet(juror, a, {cr21.id: {"level": "acquis", "observation": "Bien"}}, 0)
    ops.save_sheet(juror, a, {cr21.id: {"evidence": "Annexe 2"}}, sheet.version)
    mark = sheet.marks[0]
    assert (mark.level, mark.observation, mark.evidence) == ("acquis", "Bien", "Annexe 2")


def test_a_stale_version_raises_and_changes_nothing(db, grading_world):
    a = bloc_assignment(grading_world, 2)
    juror = grading_world.jurors[0]
    sheet = ops.save_sheet(juror, a, _values(a, observation="v1"), 0)
    db.session.commit()
    with pytest.raises(ops.StaleSheet) as caught:
        ops.save_sheet(juror, a, _values(a, observation="v2"), sheet.version - 1)
    assert caught.value.sheet is sheet
    assert {m.observation for m in sheet.marks} == {"v1"}
    with pytest.raises(ops.StaleSheet):  # no sheet yet is version 0
        ops.save_sheet(juror, bloc_assignment(grading_world, 3), {}, 3)


@pytest.mark.parametrize("bad", [
    {"level": "très bien"},
    {"observation": "x" * 5001},
    {"evidence": "y" * 2001},
])
def test_invalid_values_raise_grading_error(db, grading_world, bad):
    a = bloc_assignment(grading_world, 1)
    with pytest.raises(ops.GradingError):
        ops.save_sheet(grading_world.jurors[0], a, {criteria(a)[0].id: bad}, 0)
    assert db.session.scalar(select(GradingSheet)) is None


def test_a_criterion_of_another_bloc_is_refused(db, grading_world):
    a = bloc_assignment(grading_world, 1)
    other = criteria(bloc_assignment(grading_world, 2))[0]
    with pytest.raises(ops.GradingError):
        ops.save_sheet(grading_world.jurors[0], a, {other.id: {"level": "acquis"}}, 0)


def test_only_the_assigned_juror_may_change_a_sheet(db, grading_world):
    a = bloc_assignment(grading_world, 1)
    for actor in (grading_world.jurors[1], grading_world.admin):
        with pytest.raises(ops.GradingError):
            ops.save_sheet(actor, a, _values(a, level="acquis"), 0)


def test_submit_needs_every_level(db, grading_world):
    a = bloc_assignment(grading_world, 1)
    values = _values(a, level="acquis")
    missing = [c for c in criteria(a) if c.code in ("CR1.2", "CR1.4")]
    for c in missing:
        values[c.id]["level"] = None
    with pytest.raises(ops.SheetIncomplete) as caught:
        ops.submit_sheet(grading_world.jurors[0], a, values, 0)
    assert caught.value.missing == ["CR1.2", "CR1.4"]
    assert "CR1.2, CR1.4" in caught.value.reason
    assert db.session.scalar(select(GradingSheet)) is None


def test_submit_locks_and_audits(db, grading_world):
    a = bloc_assignment(grading_world, 1)
    juror = grading_world.jurors[0]
    sheet = ops.submit_sheet(juror, a, _values(a, level="acquis"), 0)
    db.session.commit()
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at is not None
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["grade.changed"] * 6 + ["sheet.submitted"]
    with pytest.raises(TransitionRefused) as caught:
        ops.save_sheet(juror, a, _values(a, level="non_acquis"), sheet.version)
    assert "soumise" in caught.value.reason
    with pytest.raises(TransitionRefused):
        ops.submit_sheet(juror, a, {}, sheet.version)


def test_nothing_changes_once_results_are_published(db, grading_world):
    a = bloc_assignment(grading_world, 1)
    move_to(grading_world.session, SessionStatus.PUBLISHED)
    db.session.commit()
    with pytest.raises(TransitionRefused) as caught:
        ops.save_sheet(grading_world.jurors[0], a, _values(a, level="acquis"), 0)
    assert not isinstance(caught.value, ops.SheetIncomplete)
    assert "publiés" in caught.value.reason


def test_scale_comes_from_the_referential_with_a_default(referential_version):
    codes = [lv["code"] for lv in ops.scale_levels(referential_version)]
    assert codes == ["non_acquis", "partiellement_acquis", "acquis"]

    class Bare:
        data = {}

    assert [lv["code"] for lv in ops.scale_levels(Bare())] == codes

    class Custom:
        data = {"scale": {"levels": [{"code": "ko", "label": "insuffisant"},
                                     {"code": "ok"}]}}

    assert ops.scale_levels(Custom()) == [{"code": "ko", "label": "insuffisant"},
                                          {"code": "ok", "label": "ok"}]


def test_a_concurrent_write_between_load_and_flush_is_a_409(client, as_user, grading_world, db,
                                                          monkeypatch):
    """The version column guards the write itself: a change committed by another request
    after this one loaded the sheet makes the UPDATE match no row (StaleDataError)."""
    from assess.grading import views

    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    client.post(sheet_url(a), data=form_data(a, observations={"CR1.1": "Base"}))
    db.session.expire_all()
    version = db.session.scalar(select(GradingSheet.version))
    original = views.load_assignment_for
    calls = []

    def load_then_race(user, assignment_id):
        loaded = original(user, assignment_id)
        if not calls:
            with db.engine.begin() as other:  # another request commits meanwhile
                other.execute(text("UPDATE grading_sheets SET version = version + 1"))
        calls.append(assignment_id)
        return loaded

    monkeypatch.setattr(views, "load_assignment_for", load_then_race)
    response = client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": "Saisie pendant la course"}, version=version))
    assert response.status_code == 409
    assert "Saisie pendant la course" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(GradingSheet.version)) == version + 1


def test_the_database_refuses_a_level_no_stored_scale_defines(db, grading_world):
    import sqlalchemy as sa

    from assess.grading.models import CriterionMark

    a = bloc_assignment(grading_world, 1)
    sheet = GradingSheet(assignment_id=a.id, status=SheetStatus.DRAFT)
    sheet.marks.append(CriterionMark(criterion_id=criteria(a)[0].id, level="excellent",
                                     observation=""))
    db.session.add(sheet)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_level_of_another_referentials_scale_is_refused_by_the_operation(db, grading_world):
    from assess.referential.models import LevelCode

    db.session.add(LevelCode(code="excellent"))  # a code some other version's scale has
    db.session.commit()
    a = bloc_assignment(grading_world, 1)
    with pytest.raises(ops.GradingError, match="excellent"):
        ops.save_sheet(grading_world.jurors[0], a, _values(a, level="excellent"), 0)
