"""Publishing results: candidates see them only afterwards, and get one e-mail each."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.notifications.models import Notification
from assess.outbox import relay
from assess.outbox.models import OutboxMessage
from assess.results.models import TitleResult
from assess.sessions.models import CertificationSession, SessionStatus
from tests.factories import jury_deliberates, move_to


@pytest.fixture
def computed(db, world, grade_all, client, as_user):
    """A world of two candidates, everything acquired, results computed (not published)."""

    def make(**kwargs):
        w = world(**kwargs)
        grade_all(w)
        as_user(w.centre_admin)
        assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
        return w

    return make


def _page_as(as_user, user):
    """GET /resultats as ``user``."""
    return as_user(user).get("/resultats").get_data(as_text=True)


def _publish(client, w):
    """Publish as the admin would, once the jury has deliberated and signed the PV."""
    jury_deliberates(w)
    return client.post(f"/sessions/{w.session.id}/resultats/publier", data={"confirmed": "1"})


def test_anonymous_candidate_page_goes_to_login(client):
    assert "/login" in client.get("/resultats").headers["Location"]


@pytest.mark.parametrize("who,expected", [("admin", 403), ("centre_admin", 403),
                                          ("juror", 403), ("candidate", 200)])
def test_candidate_page_is_for_candidates_only(world, client, as_user, who, expected):
    w = world(candidates=1)
    user = {"admin": w.admin, "centre_admin": w.centre_admin, "juror": w.jurors[0],
            "candidate": w.candidates[0]}[who]
    as_user(user)
    assert client.get("/resultats").status_code == expected


def test_results_are_hidden_until_published(db, computed, client, as_user, mail_outbox):
    w = computed(candidates=2)
    html = _page_as(as_user, w.candidates[0])
    assert w.session.name in html
    assert "pas encore publiés" in html
    assert "titre obtenu" not in html and "validé" not in html
    assert mail_outbox == []


def test_publish_releases_results_and_mails_each_candidate_once(db, computed, client, as_user,
                                                                 mail_outbox, app):
    w = computed(candidates=2)
    response = _publish(client, w)
    assert response.status_code == 302

    db.session.expire_all()
    session = db.session.get(CertificationSession, w.session.id)
    assert session.status == SessionStatus.PUBLISHED
    assert session.results_published_at is not None
    titles = db.session.scalars(select(TitleResult)).all()
    assert len(titles) == 2 and all(t.published_at is not None for t in titles)
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "results.published")) == "results.published"

    mails = _result_mails(mail_outbox)
    assert sorted(m["To"] for m in mails) == sorted(u.email for u in w.candidates)
    message = mails[0]
    assert message["Subject"] == "Vos résultats de certification sont disponibles"
    body = message.get_body(("plain",)).get_content()
    assert app.config["BASE_URL"].rstrip("/") + "/resultats" in body
    assert "obtenu" not in body and "validé" not in body  # read on the platform only

    # Deliver every notification row again, even as if it had never been marked done.
    deliver = app.extensions["celery"].tasks[relay.DELIVER_TASK]
    ids = set(db.session.scalars(select(Notification.id).where(
        Notification.event == "results_published")))
    rows = [r for r in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.task == "notifications.send")) if r.payload["notification_id"] in ids]
    assert len(rows) == 2
    for row in rows:
        deliver.apply(args=[row.id])
        row.done_at = None
        db.session.commit()
        deliver.apply(args=[row.id])
    assert len(_result_mails(mail_outbox)) == 2
    assert db.session.query(Notification).filter_by(event="results_published").count() == 2


def test_candidates_see_their_published_results(db, computed, client, as_user):
    w = computed(candidates=2)
    _publish(client, w)
    html = _page_as(as_user, w.candidates[0])
    assert w.session.name in html
    assert "titre obtenu" in html and html.count("validé") == 3
    assert "pas encore publiés" not in html


def test_a_candidate_does_not_see_another_candidates_results(db, computed, world, client,
                                                             as_user):
    w = computed(candidates=1)
    _publish(client, w)
    other = world(candidates=1)  # another session, not published
    html = _page_as(as_user, other.candidates[0])
    assert w.session.name not in html and "titre obtenu" not in html
    assert other.session.name in html and "pas encore publiés" in html


def _result_mails(outbox):
    """The candidates' results e-mails (the jurors also get the PV to sign)."""
    return [m for m in outbox if m["Subject"] == "Vos résultats de certification sont disponibles"]


def _publish_followed(client, w):
    return client.post(f"/sessions/{w.session.id}/resultats/publier", data={"confirmed": "1"},
                       follow_redirects=True).get_data(as_text=True)


def test_publish_is_refused_before_compute(db, world, client, as_user, mail_outbox):
    w = world(candidates=1)
    as_user(w.centre_admin)
    html = _publish_followed(client, w)
    assert "Aucun résultat à publier" in html
    assert db.session.get(CertificationSession, w.session.id).status == \
        SessionStatus.DELIBERATION
    assert mail_outbox == []


def test_publish_is_refused_outside_deliberation(db, world, client, as_user, mail_outbox):
    w = world(candidates=1, status=SessionStatus.GRADING)
    as_user(w.centre_admin)
    _publish_followed(client, w)
    assert db.session.get(CertificationSession, w.session.id).status == SessionStatus.GRADING
    assert mail_outbox == []


def test_publish_twice_is_refused_and_mails_once(computed, client, mail_outbox):
    w = computed(candidates=1)
    _publish(client, w)
    assert "Action impossible" in _publish_followed(client, w)
    assert len(_result_mails(mail_outbox)) == 1


def test_published_results_cannot_be_recomputed(db, computed, client):
    w = computed(candidates=1)
    _publish(client, w)
    html = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert "ne peuvent plus être recalculés" in html
    response = client.post(f"/sessions/{w.session.id}/resultats/calculer",
                           follow_redirects=True)
    assert "Action impossible" in response.get_data(as_text=True)


def test_results_computed_before_the_sheets_were_submitted_are_not_published(
        db, world, client, as_user, submit_sheet):
    """Defect: computed while pending, the sheets submitted afterwards, then published: the
    candidate got « en attente » results that could never be corrected."""
    w = world(candidates=1, jurors=1)
    as_user(w.centre_admin)
    assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
    page = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert "en attente" in page and "pas encore délibéré" in page  # refused, and why

    for a in w.assignments:  # the juror submits every sheet after the computation
        submit_sheet(a)
    page = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert "ne sont plus à jour" in page and "Recalculer les résultats" in page
    response = _publish(client, w)
    db.session.expire_all()
    assert db.session.get(CertificationSession, w.session.id).status == \
        SessionStatus.DELIBERATION
    assert db.session.scalar(select(TitleResult.published_at)) is None
    # Stale results cannot be deliberated on: the jury has not deliberated, nothing is out.
    assert "pas encore délibéré" in client.get(
        response.headers["Location"]).get_data(as_text=True)

    assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
    assert _publish(client, w).status_code == 302
    db.session.expire_all()
    title = db.session.scalar(select(TitleResult))
    assert title.published_at is not None and title.outcome == "awarded"


def test_a_sheet_reopened_after_the_computation_makes_the_results_stale(db, computed, client,
                                                                       as_user):
    from assess.grading.models import GradingSheet, SheetStatus

    w = computed(candidates=1)
    sheet = db.session.scalars(select(GradingSheet)).first()
    sheet.status, sheet.submitted_at = SheetStatus.DRAFT, None  # reopened for a correction
    db.session.commit()
    _publish(client, w)
    db.session.expire_all()
    assert db.session.get(CertificationSession, w.session.id).status == \
        SessionStatus.DELIBERATION


def test_a_draft_saved_after_the_computation_changes_nothing(db, world, grade_all, client,
                                                            as_user):
    from tests.factories import assign

    w = world(candidates=1, jurors=2)
    grade_all(w)
    extra = assign(w.jurors[1], w.enrolments[0], w.session.exams[0])  # a second evaluator
    db.session.commit()
    as_user(w.centre_admin)
    client.post(f"/sessions/{w.session.id}/resultats/calculer")
    move_to(w.session, SessionStatus.GRADING)  # back to grading for a while
    db.session.commit()
    as_user(w.jurors[1])
    from tests.assess.grading.grading_helpers import form_data, sheet_url
    assert client.post(sheet_url(extra), data=form_data(extra)).status_code == 302  # a draft
    move_to(w.session, SessionStatus.DELIBERATION)
    db.session.commit()
    as_user(w.centre_admin)
    page = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert "ne sont plus à jour" not in page
