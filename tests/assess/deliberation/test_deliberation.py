"""The deliberation through its pages: open, decide the disagreement with a reason, decide
each bloc, close; the refusals the issue lists; the audit of every decision."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.core.columns import utcnow
from assess.decisions.models import BlockDecision, Deliberation, LevelDecision
from assess.results.models import BlockResult
from tests.factories import create_user

BASE = "/sessions/{sid}/deliberation"


def _url(d, tail=""):
    return BASE.format(sid=d.w.session.id) + tail


def _open(client, d):
    return client.post(_url(d, "/ouvrir"), data={"held_on": utcnow().date().isoformat(), "place": "Lille"})


def _decide(client, d, enrolment, block, **data):
    prefix = f"d{enrolment.id}-{block.id}-"
    return client.post(_url(d, f"/decisions/{enrolment.id}/{block.id}"),
                       data={prefix + k: v for k, v in data.items()})


def _bloc(d, number):
    return next(e.block for e in d.w.session.exams if e.block.number == number)


def test_the_screen_shows_each_evaluators_level_and_observation_side_by_side(
        deliberating, client, as_user):
    d = deliberating()
    assert _open(client, d).status_code == 302
    html = client.get(_url(d)).get_data(as_text=True)
    assert "Désaccord sur CR2.2.1" in html
    assert "partiellement acquis" in html and "Observation." in html
    assert d.w.jurors[1].full_name in html and d.w.jurors[0].full_name in html
    assert "1 désaccord entre évaluateurs" in html


def test_a_disagreement_decided_without_reason_is_refused_and_the_typed_text_kept(
        db, deliberating, client):
    d = deliberating()
    _open(client, d)
    response = _decide(client, d, d.disputed, d.bloc2, level_0="acquis", why_0="",
                       outcome="validated", reason="Mon texte de délibération <b>gras</b>")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "raison" in html
    assert "Mon texte de délibération &lt;b&gt;gras&lt;/b&gt;" in html
    assert db.session.scalar(select(BlockDecision.id)) is None
    assert db.session.scalar(select(LevelDecision.id)) is None


def test_deciding_a_disagreement_with_a_reason_then_the_bloc(db, deliberating, client, app):
    d = deliberating()
    _open(client, d)
    response = _decide(client, d, d.disputed, d.bloc2, level_0="acquis",
                       why_0="Le livrable CMS publié montre la compétence.",
                       outcome="validated", reason="")
    assert response.status_code == 302
    db.session.expire_all()
    level = db.session.scalar(select(LevelDecision))
    assert (level.criterion_code, level.level) == ("CR2.2.1", "acquis")
    decision = db.session.scalar(select(BlockDecision))
    # With CR2.2.1 retained as acquis, the rule proposes « validé »: no reason needed.
    assert (str(decision.outcome), decision.proposed, decision.reason) == \
        ("validated", "validated", None)
    result = db.session.scalar(select(BlockResult).where(
        BlockResult.enrolment_id == d.disputed.id, BlockResult.block_id == d.bloc2.id))
    assert str(result.outcome) == "validated" and result.criterion_levels["CR2.2.1"] == "acquis"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"deliberation.opened", "deliberation.level_retained",
            "deliberation.bloc_decided"} <= actions
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "deliberation.level_retained"))
    assert event.actor_id == d.w.centre_admin.id and "CMS" in event.reason


def test_a_decision_against_the_proposal_needs_a_reason(db, deliberating, client):
    d = deliberating()
    _open(client, d)
    bloc1 = _bloc(d, 1)
    other = d.w.enrolments[1]
    html = _decide(client, d, other, bloc1, outcome="not_validated", reason="").get_data(
        as_text=True)
    assert "diffère de la proposition" in html
    assert _decide(client, d, other, bloc1, outcome="not_validated",
                   reason="Plagiat avéré du dossier.").status_code == 302
    decision = db.session.scalar(select(BlockDecision))
    assert decision.proposed == "validated" and decision.reason == "Plagiat avéré du dossier."


def test_a_new_decision_supersedes_the_old_one_and_both_stay(db, deliberating, client):
    d = deliberating()
    _open(client, d)
    bloc1, other = _bloc(d, 1), d.w.enrolments[1]
    _decide(client, d, other, bloc1, outcome="not_validated", reason="Plagiat avéré.")
    _decide(client, d, other, bloc1, outcome="validated", reason="")
    rows = db.session.scalars(select(BlockDecision).order_by(BlockDecision.id)).all()
    assert [str(r.outcome) for r in rows] == ["not_validated", "validated"]
    assert rows[0].superseded_at is not None and rows[1].superseded_at is None


def test_no_decision_on_a_bloc_not_sat(db, deliberating, client, app):
    from assess.attendance.models import ExamAttendance
    from assess.core.columns import utcnow

    d = deliberating()
    other = d.w.enrolments[1]
    exam1 = next(e for e in d.w.session.exams if e.block.number == 1)
    db.session.add(ExamAttendance(enrolment_id=other.id, exam_id=exam1.id, status="absent",
                                  on_date=utcnow().date()))
    db.session.commit()
    client.post(f"/sessions/{d.w.session.id}/resultats/calculer")
    _open(client, d)
    html = _decide(client, d, other, _bloc(d, 1), outcome="validated",
                   reason="Le jury valide quand même.").get_data(as_text=True)
    assert "pas passé ce bloc" in html
    assert db.session.scalar(select(BlockDecision.id)) is None


def test_closing_needs_every_bloc_sat_decided(db, deliberating, client):
    d = deliberating()
    _open(client, d)
    response = client.post(_url(d, "/clore"), follow_redirects=True)
    assert "décision(s) manquent encore" in response.get_data(as_text=True)
    assert str(db.session.scalar(select(Deliberation.status))) == "open"


def test_nothing_is_decided_before_opening_nor_after_closing(db, deliberating, client):
    from tests.factories import deliberate

    d = deliberating()
    html = _decide(client, d, d.w.enrolments[1], _bloc(d, 1), outcome="validated",
                   reason="").get_data(as_text=True)
    assert "Action impossible" in html
    assert db.session.scalar(select(BlockDecision.id)) is None
    deliberate(d.w.session, d.w.centre_admin, sign=False)
    db.session.commit()
    count = db.session.query(BlockDecision).count()
    _decide(client, d, d.w.enrolments[1], _bloc(d, 1), outcome="not_validated",
            reason="Après la clôture.")
    assert db.session.query(BlockDecision).count() == count


def test_computing_again_is_refused_once_the_deliberation_is_open(db, deliberating, client):
    d = deliberating()
    _open(client, d)
    html = client.post(f"/sessions/{d.w.session.id}/resultats/calculer",
                       follow_redirects=True).get_data(as_text=True)
    assert "ouvert sa délibération" in html


@pytest.mark.parametrize("who,expected", [("member", 200), ("president", 200),
                                          ("outsider_juror", 404), ("candidate", 403),
                                          ("other_centre_admin", 404)])
def test_who_sees_the_deliberation(deliberating, client, as_user, who, expected):
    d = deliberating()
    user = {"member": d.w.jurors[2], "president": d.w.jurors[0],
            "outsider_juror": create_user("juror"), "candidate": d.w.candidates[0],
            "other_centre_admin": d.w.other_centre_admin}[who]
    as_user(user)
    assert client.get(_url(d)).status_code == expected


def test_a_member_decides_but_only_the_president_or_an_admin_opens(db, deliberating, client,
                                                                    as_user):
    d = deliberating()
    as_user(d.w.jurors[2])
    assert _open(client, d).status_code == 403
    as_user(d.w.jurors[0])  # the president
    assert _open(client, d).status_code == 302
    as_user(d.w.jurors[2])
    assert _decide(client, d, d.w.enrolments[1], _bloc(d, 1), outcome="validated",
                   reason="").status_code == 302
    assert db.session.scalar(select(BlockDecision.decided_by_id)) == d.w.jurors[2].id


def test_identities_hidden_during_anonymous_grading_are_revealed_by_an_audited_action(
        db, deliberating, client, as_user):
    d = deliberating()
    d.w.session.anonymous_grading = True
    d.w.enrolments[0].anonymous_number = "A7"
    db.session.commit()
    as_user(d.w.jurors[0])
    html = client.get(_url(d)).get_data(as_text=True)
    assert "Candidat n° A7" in html and d.w.candidates[0].full_name not in html
    assert client.post(_url(d, "/lever-anonymat")).status_code == 302
    html = client.get(_url(d)).get_data(as_text=True)
    assert d.w.candidates[0].full_name in html
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "session.identities_revealed"))
    assert event.actor_id == d.w.jurors[0].id


def test_the_screen_reads_in_fixed_statements(db, deliberating, client, count_queries, world):
    d = deliberating(candidates=2)
    _open(client, d)
    client.get(_url(d))
    with count_queries() as few:
        client.get(_url(d))
    d2 = deliberating(candidates=8)
    _open(client, d2)
    client.get(_url(d2))
    with count_queries() as many:
        client.get(_url(d2))
    assert len(many) == len(few)
