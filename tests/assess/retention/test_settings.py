"""The certifier's retention page (periods with their defaults, audited changes, the purge
log), the command line and the beat entry."""

from __future__ import annotations

from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.retention.models import RetentionKind, RetentionPeriod, RetentionPurge
from assess.retention.tasks import PURGE_TASK
from assess.submissions.models import StoredFile

PERIODS = {"papers": "12", "observations": "12", "health_documents": "12", "minutes": "600",
           "attestations": "600", "awards": "600"}


def test_the_certifier_sets_the_periods_each_change_audited(db, world, client, as_user):
    w = world(candidates=1, jurors=1)
    as_user(w.admin)
    page = client.get("/conservation").get_data(as_text=True)
    assert "Par défaut : 12 mois." in page and "durée minimale d'archivage" in page
    assert 'value="600"' in page and "Aucune purge pour le moment." in page
    response = client.post("/conservation", data=dict(PERIODS, papers="6",
                                                      health_documents="3"))
    assert response.status_code == 302
    rows = {r.kind: r.months for r in db.session.scalars(select(RetentionPeriod))}
    assert rows[RetentionKind.PAPERS] == 6 and rows[RetentionKind.HEALTH_DOCUMENTS] == 3
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "retention.period_changed").order_by(AuditEvent.id)).all()
    assert [(e.old, e.new) for e in events] == [
        ({"kind": "papers", "months": 12}, {"kind": "papers", "months": 6}),
        ({"kind": "health_documents", "months": 12}, {"kind": "health_documents", "months": 3})]
    assert all(e.actor_id == w.admin.id for e in events)
    # Saved again unchanged: nothing more in the trail.
    assert client.post("/conservation", data=dict(PERIODS, papers="6",
                                                  health_documents="3")).status_code == 302
    assert db.session.query(AuditEvent).filter_by(action="retention.period_changed").count() == 2


def test_a_bad_period_is_refused_with_the_typing_kept(db, world, client, as_user):
    w = world(candidates=1, jurors=1)
    as_user(w.admin)
    response = client.post("/conservation", data=dict(PERIODS, papers="0", observations="x"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "entre 1 et 1200" in page
    assert db.session.scalar(select(RetentionPeriod)) is None


def test_only_the_certifier_sees_the_page(db, world, client, as_user):
    w = world(candidates=1, jurors=1)
    for user in (w.centre_admin, w.jurors[0], w.candidates[0]):
        as_user(user)
        assert client.get("/conservation").status_code == 403
        assert client.post("/conservation", data=PERIODS).status_code == 403
    assert db.session.scalar(select(RetentionPeriod)) is None


def test_the_purge_log_is_shown_in_a_bounded_number_of_statements(db, world, client, as_user,
                                                                  count_queries):
    w = world(candidates=1, jurors=1)
    as_user(w.admin)

    def add(n):
        for _ in range(n):
            db.session.add(RetentionPurge(kind=RetentionKind.PAPERS, session_id=w.session.id,
                                          months=12, item_count=2, items=[{}, {}],
                                          blobs_deleted=2))
        db.session.commit()

    add(1)
    with count_queries() as one:
        assert "Journal des purges" in client.get("/conservation").get_data(as_text=True)
    add(4)
    with count_queries() as five:
        page = client.get("/conservation").get_data(as_text=True)
    assert page.count(w.session.name) == 5
    assert len(five) == len(one)


def test_the_command_purges_or_only_says_what_would_go(app, db, published, hand_in, age):
    d = published()
    stored = hand_in(d.w.enrolments[0], d.w.session.exams[0])
    stored_id = stored.id
    age(d.w.session, 400)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would purge 1 papers" in result.output
    db.session.expire_all()
    assert db.session.get(StoredFile, stored_id) is not None
    assert db.session.scalar(select(RetentionPurge)) is None
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "purged 1 papers" in result.output
    db.session.expire_all()
    assert db.session.get(StoredFile, stored_id) is None
    result = runner.invoke(args=["retention", "purge"])
    assert "0 item(s) purged" in result.output


def test_the_worker_purges_on_a_schedule(app, db):
    celery = app.extensions["celery"]
    assert celery.conf.beat_schedule["retention-purge"]["task"] == PURGE_TASK
    assert PURGE_TASK in celery.tasks
    assert celery.tasks[PURGE_TASK].apply().get() == 0
