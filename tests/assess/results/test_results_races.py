"""Two admins (or two clicks) at once on « Calculer » or « Publier », on SQLite and
PostgreSQL: the database settles it, the loser gets a 409 page, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from assess.jobs.models import Job, JobStatus
from assess.notifications.models import Notification
from assess.outbox.models import OutboxMessage
from assess.results.models import TitleResult
from assess.sessions.models import SessionStatus
from tests.factories import jury_deliberates


@pytest.fixture
def app_config(both_databases):
    return both_databases


def test_two_clicks_on_compute_start_one_job(db, world, client, as_user, monkeypatch):
    from assess.jobs import operations as jobs

    w = world(candidates=1)
    db.session.add(Job(kind="compute_results", session_id=w.session.id,
                       status=JobStatus.QUEUED))  # the first click's job, not run yet
    db.session.commit()
    outbox_before = db.session.scalar(select(func.count(OutboxMessage.id)))
    # The second request checked before the first one's job was committed: it saw none.
    monkeypatch.setattr(jobs, "has_active_job", lambda *_args: False)

    as_user(w.centre_admin)
    response = client.post(f"/sessions/{w.session.id}/resultats/calculer")

    assert response.status_code == 409
    assert "modifiées entre-temps" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == outbox_before


def test_a_concurrent_publish_answers_409_and_publishes_nothing(db, world, grade_all, client,
                                                                 as_user, monkeypatch,
                                                                 mail_outbox):
    from assess.results import views

    w = world(candidates=2)
    grade_all(w)
    as_user(w.centre_admin)
    assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
    jury_deliberates(w)
    mail_outbox.clear()  # the jurors' PV messages
    original = views.load_session_for

    def load_then_race(user, session_id):
        loaded = original(user, session_id)
        with db.engine.begin() as other:  # another admin's request commits meanwhile
            other.execute(text("UPDATE certification_sessions SET version = version + 1 "
                               "WHERE id = :id"), {"id": session_id})
        return loaded

    monkeypatch.setattr(views, "load_session_for", load_then_race)
    response = client.post(f"/sessions/{w.session.id}/resultats/publier", data=CONFIRMED)

    assert response.status_code == 409
    assert "modifiées entre-temps" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(w.session), w.session.id).status == SessionStatus.DELIBERATION
    assert db.session.scalar(select(func.count(TitleResult.id)).where(
        TitleResult.published_at.is_not(None))) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.event == "results_published")) == 0
    assert mail_outbox == []
    monkeypatch.undo()
    assert client.post(f"/sessions/{w.session.id}/resultats/publier",
                       data=CONFIRMED).status_code == 302


CONFIRMED = {"confirmed": "1"}  # sent from the confirmation page


@pytest.fixture
def click_at_once(app, db):
    """click_at_once(user, url, n) -> the statuses of n POSTs sent at the same moment, each
    from its own thread (its own app context, session and connection)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import signed_in_cookie_id

    def click(user, url: str, n: int = 20, data=None) -> list[int]:
        cookie_id = signed_in_cookie_id(user)
        barrier = threading.Barrier(n)

        def one(_i):
            client = app.test_client()
            with client.session_transaction() as sess:
                sess["_user_id"], sess["_fresh"] = cookie_id, True
            barrier.wait()
            return client.post(url, data=data).status_code

        with ThreadPoolExecutor(max_workers=n) as pool:
            return list(pool.map(one, range(n)))

    return click


def test_twenty_clicks_on_compute_at_once_start_one_job(db, world, click_at_once, app,
                                                        monkeypatch):
    w = world(candidates=2)
    # The jobs are left queued (no worker here): the race is on creating them.
    monkeypatch.setitem(app.extensions["celery"].conf, "task_always_eager", False)
    codes = click_at_once(w.centre_admin, f"/sessions/{w.session.id}/resultats/calculer")
    assert all(code in (302, 409) for code in codes), codes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Job.id))) == 1


def test_twenty_clicks_on_publish_at_once_publish_once(db, world, grade_all, client, as_user,
                                                       click_at_once, mail_outbox):
    from assess.audit.models import AuditEvent

    w = world(candidates=2)
    grade_all(w)
    as_user(w.centre_admin)
    assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
    jury_deliberates(w)
    codes = click_at_once(w.centre_admin, f"/sessions/{w.session.id}/resultats/publier",
                          data=CONFIRMED)
    assert all(code in (302, 409) for code in codes), codes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "results.published")) == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.event == "results_published")) == 2  # one per candidate, once
