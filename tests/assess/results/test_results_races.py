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
    original = views.load_session_for

    def load_then_race(user, session_id):
        loaded = original(user, session_id)
        with db.engine.begin() as other:  # another admin's request commits meanwhile
            other.execute(text("UPDATE certification_sessions SET version = version + 1 "
                               "WHERE id = :id"), {"id": session_id})
        return loaded

    monkeypatch.setattr(views, "load_session_for", load_then_race)
    response = client.post(f"/sessions/{w.session.id}/resultats/publier")

    assert response.status_code == 409
    assert "modifiées entre-temps" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(w.session), w.session.id).status == SessionStatus.RESULTS_COMPUTED
    assert db.session.scalar(select(func.count(TitleResult.id)).where(
        TitleResult.published_at.is_not(None))) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.event == "results_published")) == 0
    assert mail_outbox == []
    monkeypatch.undo()
    assert client.post(f"/sessions/{w.session.id}/resultats/publier").status_code == 302
