from datetime import date

import pytest
from sqlalchemy import func, select

from assess.accounts.models import Role, User
from assess.accounts.passwords import verify_password
from assess.candidates.models import Enrolment
from assess.juries.models import Assignment
from assess.sessions.models import CertificationSession, ExamPart

EMAILS = ["admin@demo.test", "centre@demo.test", "jury1@demo.test", "jury2@demo.test",
          "jury3@demo.test",
          "candidat1@demo.test", "candidat2@demo.test", "candidat3@demo.test",
          "candidat4@demo.test", "candidat5@demo.test", "candidat6@demo.test"]


@pytest.fixture
def app(migrated_app):
    return migrated_app


def _counts(db):
    return [db.session.scalar(select(func.count()).select_from(m))
            for m in (User, CertificationSession, Enrolment, Assignment, ExamPart)]


def test_demo_creates_the_accounts_and_session_once(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["referential", "load"]).exit_code == 0
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for email in EMAILS:
        assert email in first.output
    assert "demo" in first.output and app.config["BASE_URL"] in first.output
    counts = _counts(db)
    # The session under way (3 candidates, 3 épreuves each) and the June one, graded and in
    # deliberation (2 candidates, 3 épreuves each, and a second evaluator on Léa's bloc 2),
    # last year's, closed (3 candidates, 3 épreuves each).
    assert counts[:4] == [len(EMAILS), 3, 8, 25]
    june = db.session.scalar(select(CertificationSession).where(
        CertificationSession.name == "Session de juin (délibération)"))
    assert june.status == "deliberation"
    from assess.jobs.models import Job

    assert db.session.scalar(select(Job.kind).where(Job.session_id == june.id)) == \
        "compute_results"  # its proposals, computed by the worker
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _counts(db) == counts

    users = {u.email: u for u in db.session.scalars(select(User))}
    assert {u.role for u in users.values()} == set(Role)
    assert all(u.is_demo and verify_password(u.password_hash, "demo") for u in users.values())
    assert users["centre@demo.test"].centre_id is not None
    # Every part is dated; the bloc 3 dossier is due in the future, so upload works.
    demo = db.session.scalar(select(CertificationSession).where(
        CertificationSession.name == "Session de démonstration"))
    parts = db.session.scalars(select(ExamPart).where(
        ExamPart.exam.has(session_id=demo.id))).all()
    dossier = next(p for p in parts if p.kind == "dossier")
    from assess.core.columns import utcnow

    assert dossier.submission_deadline > utcnow()
    # Times are typed in Paris and stored in UTC: the written exam starts at 9:00 in Paris.
    from zoneinfo import ZoneInfo

    written = next(p for p in parts if p.kind == "written")
    paris = written.starts_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Europe/Paris"))
    assert (paris.hour, paris.minute) == (9, 0)


def test_demo_needs_the_referential(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "assess referential load" in result.output


def test_demo_can_be_disabled(app):
    app.config["DEMO_ALLOWED"] = False
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "ASSESS_DEMO_ALLOWED" in result.output


@pytest.mark.parametrize("email", EMAILS)
def test_every_demo_account_logs_in_with_demo(app, client, email):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["referential", "load"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    response = client.post("/login", data={"email": email, "password": "demo"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200


def test_demo_has_last_years_session_closed_with_its_story_told(app, db):
    """Published a year ago, PV sealed by both members, two titles awarded and one not,
    whose holder's appeal was rejected; the certifier's settings filled for the CPF."""
    from assess.certification.models import Certification
    from assess.decisions.models import Appeal, Deliberation, Minutes, MinutesStatus
    from assess.results.models import TitleResult

    runner = app.test_cli_runner()
    assert runner.invoke(args=["referential", "load"]).exit_code == 0
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "assess cpf export" in result.output
    closed = db.session.scalar(select(CertificationSession).where(
        CertificationSession.name == "Session de l'an dernier (close)"))
    assert closed.status == "closed"
    last_year = date.today().year - 1
    held_on = db.session.scalar(select(Deliberation.held_on).where(
        Deliberation.session_id == closed.id))
    assert held_on.year == last_year
    pv = db.session.scalar(select(Minutes).where(Minutes.session_id == closed.id))
    assert pv.status == MinutesStatus.SEALED and len(pv.signatures) == 2
    titles = {t.enrolment.candidate.user.email: t for t in db.session.scalars(
        select(TitleResult).join(Enrolment).where(Enrolment.session_id == closed.id))}
    assert {e: str(t.outcome) for e, t in titles.items()} == {
        "candidat4@demo.test": "awarded", "candidat5@demo.test": "awarded",
        "candidat6@demo.test": "not_awarded"}
    assert all(t.published_at.year == last_year for t in titles.values())
    appeal = db.session.scalar(select(Appeal).join(Enrolment).where(
        Enrolment.session_id == closed.id))
    assert appeal.enrolment.candidate.user.email == "candidat6@demo.test"
    assert str(appeal.status) == "rejected" and appeal.answer
    settings = db.session.get(Certification, 1)
    assert settings.cpf_id_client and settings.cpf_id_contrat and settings.rncp_code
