"""The demo's jurors have complete profiles: a jury of the two passes the composition
rules, and both are available over the demo session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.accounts.models import User
from assess.juries.facts import members
from assess.juries.models import JurorAvailability, juror_blocks
from assess.sessions.models import CertificationSession
from workflows.jury_rules import blocking, check


@pytest.fixture
def app(migrated_app):
    return migrated_app


def test_the_demo_jurors_can_form_a_jury(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["referential", "load"]).exit_code == 0
    for _ in range(2):  # idempotent: the second run adds nothing
        assert runner.invoke(args=["demo"]).exit_code == 0
    jurors = list(db.session.scalars(select(User).where(
        User.email.in_(["jury1@demo.test", "jury2@demo.test"])).order_by(User.email)))
    session = db.session.scalar(select(CertificationSession))
    for juror in jurors:
        assert set(db.session.scalars(select(juror_blocks.c.block_number).where(
            juror_blocks.c.juror_id == juror.id))) == {1, 2, 3}
        [period] = db.session.scalars(select(JurorAvailability)
                                      .where(JurorAvailability.juror_id == juror.id))
        assert period.starts_on <= session.starts_on and period.ends_on >= session.ends_on
    assert jurors[0].is_professional and not jurors[1].works_for_certifier
    assert blocking(check(members(jurors, {jurors[0].id}), {session.centre_id})) == []


def test_the_demo_trainer_is_internal_and_linked_to_lea_dupont(app, db):
    from assess.juries.models import ConflictOfInterest, juror_affiliations

    runner = app.test_cli_runner()
    assert runner.invoke(args=["referential", "load"]).exit_code == 0
    for _ in range(2):
        assert runner.invoke(args=["demo"]).exit_code == 0
    nadia = db.session.scalar(select(User).where(User.email == "jury3@demo.test"))
    session = db.session.scalar(select(CertificationSession))
    assert list(db.session.scalars(select(juror_affiliations.c.centre_id).where(
        juror_affiliations.c.juror_id == nadia.id))) == [session.centre_id]
    [link] = db.session.scalars(select(ConflictOfInterest)
                                .where(ConflictOfInterest.juror_id == nadia.id))
    assert link.enrolment.candidate.user.email == "candidat1@demo.test"
    assert link.kind == "trainer" and link.declared_by.email == "centre@demo.test"
