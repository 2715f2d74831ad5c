"""Results pages: who may open them, what they show, and a fixed number of queries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.jobs.models import Job, JobStatus
from assess.results.operations import start_compute


def _who(w, name):
    return {"admin": w.admin, "centre_admin": w.centre_admin, "other": w.other_centre_admin,
            "juror": w.jurors[0], "candidate": w.candidates[0]}[name]


def _queued_job(db, w):
    job = start_compute(w.centre_admin, w.session)
    db.session.commit()
    return job


ADMIN_ROUTES = [
    ("get", "/sessions/{sid}/resultats"),
    ("post", "/sessions/{sid}/resultats/calculer"),
    ("post", "/sessions/{sid}/resultats/publier"),
    ("get", "/jobs/{jid}"),
]


@pytest.mark.parametrize("method,path", ADMIN_ROUTES)
def test_anonymous_users_are_sent_to_the_login_page(db, world, client, method, path):
    w = world(candidates=1)
    job = _queued_job(db, w)
    response = getattr(client, method)(path.format(sid=w.session.id, jid=job.id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("method,path", ADMIN_ROUTES)
@pytest.mark.parametrize("who,expected", [("candidate", 403), ("juror", 403), ("other", 404)])
def test_wrong_role_is_refused_and_other_centres_get_404(db, world, client, as_user, method,
                                                          path, who, expected):
    w = world(candidates=1)
    job = _queued_job(db, w)
    as_user(_who(w, who))
    response = getattr(client, method)(path.format(sid=w.session.id, jid=job.id))
    assert response.status_code == expected


def test_unknown_ids_are_404(world, client, as_user):
    w = world(candidates=1)
    as_user(w.admin)
    assert client.get("/sessions/999999/resultats").status_code == 404
    assert client.get("/jobs/999999").status_code == 404


@pytest.mark.parametrize("who", ["admin", "centre_admin"])
def test_session_admins_see_the_page_with_the_compute_button(world, client, as_user, who):
    w = world(candidates=2)
    as_user(_who(w, who))
    response = client.get(f"/sessions/{w.session.id}/resultats")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Calculer les résultats" in html
    assert f'action="/sessions/{w.session.id}/resultats/calculer"' in html
    assert "pas encore été calculés" in html
    assert "Publier les résultats" not in html  # nothing to publish yet


def test_job_status_json_and_progress_bar(db, world, client, as_user):
    w = world(candidates=3)
    job = _queued_job(db, w)
    job.status, job.done = JobStatus.RUNNING, 1
    db.session.commit()
    as_user(w.centre_admin)

    data = client.get(f"/jobs/{job.id}").get_json()
    assert data == {"status": "running", "done": 1, "total": 3, "percent": 33, "message": None,
                    "interrupted": False}

    html = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert '<progress id="job-progress" value="1"' in html and 'max="3"' in html
    assert 'aria-live="polite"' in html and "33 %" in html
    assert f'data-job-url="/jobs/{job.id}"' in html
    assert "Rafraîchir" in html  # without JavaScript
    assert "js/progress.js" in html
    assert "déjà en cours" not in html and "Un calcul est en cours" in html


def test_page_after_compute_shows_outcomes_disagreements_and_chart(
        db, world, client, as_user, submit_sheet):
    from tests.factories import assign

    w = world(candidates=2)
    for a in w.assignments[:3]:
        submit_sheet(a)
    submit_sheet(w.assignments[3], levels={"CR1.1": "non_acquis"})
    submit_sheet(w.assignments[4])
    second = assign(w.jurors[1], w.enrolments[1], w.assignments[4].exam)
    db.session.commit()
    submit_sheet(second, levels={"CR2.3": "partiellement_acquis"})
    as_user(w.centre_admin)
    client.post(f"/sessions/{w.session.id}/resultats/calculer")

    html = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert w.candidates[0].full_name in html and w.candidates[1].full_name in html
    assert "titre obtenu" in html and "en attente" in html
    assert '<span class="badge badge-ko">non validé</span>' in html
    assert '<span class="badge badge-ok">validé</span>' in html
    assert "désaccord" in html and "CR2.3" in html
    assert "non publié" in html
    assert "Calcul terminé" in html and "100 %" in html
    assert "Publier les résultats" in html
    # The chart: bloc 1 has 1 validated and 1 not validated, bloc 3 1 validated 1 pending.
    assert 'class="outcome-chart"' in html
    assert html.count('<td data-outcome="validated">1</td>') == 3
    assert '<td data-outcome="not_validated">1</td>' in html
    assert html.count('<td data-outcome="pending">1</td>') == 2


def _page_statements(w, client, count_queries):
    client.post(f"/sessions/{w.session.id}/resultats/calculer")
    with count_queries() as statements:  # starts from an expired identity map
        response = client.get(f"/sessions/{w.session.id}/resultats")
    assert response.status_code == 200
    return len(statements)


def test_the_page_query_count_does_not_grow_with_candidates(db, world, client, as_user,
                                                           grade_all, count_queries):
    small, large = world(candidates=2), world(candidates=6)
    grade_all(small)
    grade_all(large)
    as_user(small.admin)  # a certifier admin sees both centres' sessions
    assert (_page_statements(small, client, count_queries)
            == _page_statements(large, client, count_queries))


def test_the_compute_button_is_refused_without_candidates(db, world, client, as_user):
    w = world(candidates=0)
    as_user(w.centre_admin)
    html = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert "Aucun candidat n'est inscrit" in html
    response = client.post(f"/sessions/{w.session.id}/resultats/calculer",
                           follow_redirects=True)
    assert "aucun candidat inscrit" in response.get_data(as_text=True)
    assert db.session.scalar(select(Job.id)) is None


def test_a_job_whose_worker_went_silent_says_it_will_resume(db, world, client, as_user, app):
    from datetime import timedelta

    from assess.core.columns import utcnow

    w = world(candidates=1)
    job = _queued_job(db, w)
    job.status, job.started_at = JobStatus.RUNNING, utcnow()
    job.heartbeat_at = utcnow() - timedelta(seconds=app.config["OUTBOX_RUNNING_LEASE"] + 5)
    db.session.commit()
    as_user(w.centre_admin)
    assert client.get(f"/jobs/{job.id}").get_json()["interrupted"] is True
    html = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert "semble interrompu" in html and "reprendra seul" in html
    job.heartbeat_at = utcnow()
    db.session.commit()
    assert client.get(f"/jobs/{job.id}").get_json()["interrupted"] is False
