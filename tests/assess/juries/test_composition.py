"""The session's juries: composing them, the composition rules explained on the page and
blocking the move to grading, the certifier's forced move, stale and hostile saves."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.core.columns import utcnow
from assess.grading.models import GradingSheet, SheetStatus
from assess.juries.models import ConflictOfInterest, Jury, LinkKind, juror_affiliations
from assess.sessions.models import CertificationSession
from tests.factories import compose_jury, create_user, valid_jury
from workflows.session import SessionStatus as S


@pytest.fixture
def w(world):
    """Three jurors in the centre's pool, one candidate, the session in its épreuves."""
    return world(candidates=1, jurors=3, status=S.EXAMS)


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _roles(client, w, roles, version="", exam=None):
    url = (f"/sessions/{w.session.id}/jury/epreuves/{exam.id}/modifier" if exam
           else f"/sessions/{w.session.id}/jury/modifier")
    data = {"version": version} | {f"j{j.id}": role for j, role in roles.items()}
    return client.post(url, data=data)


def _jury(db, w, exam=None):
    db.session.expire_all()
    return db.session.scalar(select(Jury).where(
        Jury.session_id == w.session.id,
        Jury.exam_id.is_(None) if exam is None else Jury.exam_id == exam.id))


def _start_grading(client, w):
    return client.post(f"/sessions/{w.session.id}/etapes/start_grading")


def _status(db, w):
    db.session.expire_all()
    return db.session.get(CertificationSession, w.session.id).status


def test_an_admin_composes_a_jury_that_fails_the_external_rule_then_passes(w, as_user, db,
                                                                            audit_actions):
    a, b, c = w.jurors
    for j in (a, b, c):
        j.is_professional = True
    a.works_for_certifier = True
    db.session.execute(juror_affiliations.insert().values(juror_id=b.id, centre_id=w.centre.id))
    db.session.commit()
    client = as_user(w.centre_admin)
    assert _roles(client, w, {a: "president", b: "member", c: "member"}).status_code == 302
    page = _page(client.get(f"/sessions/{w.session.id}/jury"))
    assert "Membres extérieurs : 1 membre(s) sur 3" in page
    assert a.full_name in page and b.full_name in page
    # The move to grading is refused and says why.
    _start_grading(client, w)
    assert _status(db, w) == S.EXAMS
    page = _page(client.get(f"/sessions/{w.session.id}"))
    assert "La composition du jury ne respecte pas les règles" in page
    assert "Membres extérieurs" in page
    # One internal member off: two of the three are... still one out of two external.
    jury = _jury(db, w)
    assert _roles(client, w, {a: "president", c: "member"}, str(jury.version)).status_code == 302
    page = _page(client.get(f"/sessions/{w.session.id}/jury"))
    assert "Membres extérieurs" not in page and "règles respectées" in page
    _start_grading(client, w)
    assert _status(db, w) == S.GRADING
    assert audit_actions("jury.") == ["jury.composed", "jury.composed"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "jury.composed")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.old["members"] == [{"juror_id": a.id, "role": "president"},
                                    {"juror_id": b.id, "role": "member"},
                                    {"juror_id": c.id, "role": "member"}]
    assert event.new["members"] == [{"juror_id": a.id, "role": "president"},
                                    {"juror_id": c.id, "role": "member"}]


@pytest.mark.parametrize(("roles", "expected"), [
    ({0: "member", 1: "member"}, "Présidence : le jury n'a pas de président"),
    ({0: "president", 1: "president"}, "Présidence : le jury a 2 présidents"),
    ({0: "president"}, "Collégialité : le jury n'a qu'un membre"),
    ({}, "Collégialité : le jury n'a aucun membre"),
])
def test_a_jury_breaking_a_rule_blocks_grading_and_names_it(w, as_user, db, roles, expected):
    for j in w.jurors:
        j.is_professional = True
    db.session.commit()
    client = as_user(w.centre_admin)
    if roles:
        assert _roles(client, w, {w.jurors[i]: r for i, r in roles.items()}).status_code == 302
    page = _page(client.get(f"/sessions/{w.session.id}/jury"))
    assert expected in page
    _start_grading(client, w)
    assert _status(db, w) == S.EXAMS


def test_no_professional_and_a_declared_link_are_named(w, as_user, db):
    a, b, _c = w.jurors
    db.session.add(ConflictOfInterest(juror_id=b.id, enrolment_id=w.enrolments[0].id,
                                      kind=LinkKind.TRAINER, declared_by_id=b.id))
    compose_jury(w.session, [a, b])
    db.session.commit()
    page = _page(as_user(w.centre_admin).get(f"/sessions/{w.session.id}/jury"))
    assert "Professionnels : aucun membre n'est professionnel" in page
    candidate = w.candidates[0].full_name
    assert f"Conflit d'intérêts : {b.full_name} a un lien déclaré avec {candidate}" in page


def test_gender_balance_is_a_warning_that_does_not_block(w, as_user, db):
    a, b, _c = w.jurors
    a.gender = b.gender = "female"
    valid_jury(w.session, [a, b])
    db.session.commit()
    client = as_user(w.centre_admin)
    page = _page(client.get(f"/sessions/{w.session.id}/jury"))
    assert "Parité (avertissement)" in page
    _start_grading(client, w)
    assert _status(db, w) == S.GRADING


def test_an_epreuve_jury_is_checked_on_its_own_candidates(w, as_user, db):
    a, b, c = w.jurors
    valid_jury(w.session, [a, b])
    exam = w.session.exams[1]
    db.session.commit()
    client = as_user(w.centre_admin)
    assert _roles(client, w, {c: "president"}, exam=exam).status_code == 302
    page = _page(client.get(f"/sessions/{w.session.id}/jury"))
    assert f"Jury de l'épreuve du bloc {exam.block.number}" in page
    assert "Collégialité : le jury n'a qu'un membre" in page
    _start_grading(client, w)
    assert _status(db, w) == S.EXAMS
    jury = _jury(db, w, exam)
    response = client.post(f"/sessions/{w.session.id}/jury/epreuves/{exam.id}/supprimer",
                           data={"version": jury.version})
    assert response.status_code == 302 and _jury(db, w, exam) is None
    _start_grading(client, w)
    assert _status(db, w) == S.GRADING


def test_the_certifier_forces_the_move_with_a_reason_a_centre_admin_cannot(w, as_user, db,
                                                                          audit_actions):
    compose_jury(w.session, w.jurors[:1])
    db.session.commit()
    centre = as_user(w.centre_admin)
    assert centre.post(f"/sessions/{w.session.id}/jury/forcer",
                       data={"reason": "Un membre empêché, la session ne peut attendre."}
                       ).status_code == 403
    client = as_user(w.admin)
    short = client.post(f"/sessions/{w.session.id}/jury/forcer", data={"reason": "parce que"})
    assert short.status_code == 422 and "20 caractères" in _page(short)
    reason = "Un membre empêché la veille ; le président du certificateur valide."
    assert client.post(f"/sessions/{w.session.id}/jury/forcer",
                       data={"reason": reason}).status_code == 302
    page = _page(client.get(f"/sessions/{w.session.id}/jury"))
    assert reason in page
    _start_grading(client, w)
    assert _status(db, w) == S.GRADING
    assert audit_actions("jury.forced") == ["jury.forced"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "jury.forced"))
    assert event.reason == reason and event.actor_id == w.admin.id


def test_a_new_composition_lifts_the_force(w, as_user, db, audit_actions):
    compose_jury(w.session, w.jurors[:1])
    db.session.commit()
    client = as_user(w.admin)
    client.post(f"/sessions/{w.session.id}/jury/forcer",
                data={"reason": "Un membre empêché la veille, jury maintenu."})
    jury = _jury(db, w)
    _roles(client, w, {w.jurors[1]: "president"}, str(jury.version))
    assert _jury(db, w).forced_at is None
    assert "jury.force_lifted" in audit_actions("jury.")
    _start_grading(client, w)
    assert _status(db, w) == S.EXAMS


def test_a_stale_save_answers_409_and_keeps_the_choice(w, as_user, db):
    a, b, c = w.jurors
    client = as_user(w.centre_admin)
    _roles(client, w, {a: "president", b: "member"})
    stale = _roles(client, w, {a: "president", c: "member"}, "")
    assert stale.status_code == 409
    page = _page(stale)
    assert "modifié entre-temps" in page
    # The choice typed is still selected in the form.
    assert '<option selected value="member">' in page.split(f'id="j{c.id}"')[1][:400]
    assert {m.user_id for m in _jury(db, w).members} == {a.id, b.id}


def test_hostile_saves_change_nothing(w, as_user, db):
    stranger = create_user("juror")  # not in the centre's pool
    db.session.commit()
    client = as_user(w.centre_admin)
    response = client.post(f"/sessions/{w.session.id}/jury/modifier",
                           data={"version": "", f"j{stranger.id}": "president"})
    assert response.status_code == 302  # a field not on the form is ignored: nothing saved
    assert _jury(db, w) is None
    bad_role = _roles(client, w, {w.jurors[0]: "king"})
    assert bad_role.status_code == 422 and _jury(db, w) is None
    # A jury saved empty is no jury at all.
    assert _roles(client, w, {}).status_code == 302 and _jury(db, w) is None


def test_other_centres_and_other_roles_cannot_reach_the_jury(w, as_user, db):
    url = f"/sessions/{w.session.id}/jury"
    assert as_user(w.other_centre_admin).get(url).status_code == 404
    assert as_user(w.other_centre_admin).post(url + "/modifier", data={}).status_code == 404
    assert as_user(w.jurors[0]).get(url).status_code == 403
    assert as_user(w.candidates[0]).get(url + "/modifier").status_code == 403
    assert as_user(w.centre_admin).get(
        f"/sessions/{w.session.id}/jury/epreuves/999999/modifier").status_code == 404


def test_a_member_with_sheets_stays_once_grading_started(w, as_user, db):
    a, b, c = w.jurors
    valid_jury(w.session, [a, b, c])
    w.session.status = S.GRADING
    db.session.add(GradingSheet(assignment_id=w.assignments[0].id, status=SheetStatus.DRAFT))
    db.session.commit()
    client = as_user(w.centre_admin)
    jury = _jury(db, w)
    response = _roles(client, w, {b: "president", c: "member"}, str(jury.version))
    assert response.status_code == 422
    assert "a déjà des grilles" in _page(response)
    assert {m.user_id for m in _jury(db, w).members} == {a.id, b.id, c.id}
    # A member without sheets may leave; the jury, now failing, blocks deliberation.
    jury = _jury(db, w)
    assert _roles(client, w, {a: "president"}, str(jury.version)).status_code == 302
    for assignment in w.assignments:
        db.session.add(GradingSheet(assignment_id=assignment.id, status=SheetStatus.SUBMITTED,
                                    submitted_at=utcnow())) if assignment.id != w.assignments[0].id else None
    db.session.commit()
    client.post(f"/sessions/{w.session.id}/etapes/deliberate", data={"reason": "x" * 30})
    assert _status(db, w) == S.GRADING


def test_the_page_runs_the_same_statements_for_2_and_12_members(world, as_user, db,
                                                               count_queries):
    counts = []
    for n in (2, 12):
        w = world(candidates=3, jurors=n)
        valid_jury(w.session, w.jurors)
        db.session.commit()
        client = as_user(w.centre_admin)
        with count_queries() as statements:
            assert client.get(f"/sessions/{w.session.id}/jury").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_assignment_page_offers_no_conflicted_juror_and_refuses_a_crafted_post(w, as_user,
                                                                                  db):
    from assess.juries.models import Assignment

    a, b, _c = w.jurors
    enrolment = w.enrolments[0]
    db.session.add(ConflictOfInterest(juror_id=b.id, enrolment_id=enrolment.id,
                                      kind=LinkKind.RELATIVE, declared_by_id=b.id))
    db.session.commit()
    client = as_user(w.centre_admin)
    url = f"/sessions/{w.session.id}/enrolments/{enrolment.id}/assign"
    page = _page(client.get(url))
    assert f'<option value="{b.id}" disabled>' in page and "lien déclaré avec le candidat" in page
    exam = w.session.exams[0]
    response = client.post(url, data={f"exam-{exam.id}": str(b.id)})
    assert "conflit d'intérêts" in _page(response)
    assert db.session.scalar(select(Assignment).where(Assignment.juror_id == b.id)) is None


def test_a_withdrawn_assignment_is_kept_with_its_draft(w, as_user, db):
    assignment = w.assignments[0]
    db.session.add(GradingSheet(assignment_id=assignment.id, status=SheetStatus.DRAFT))
    assignment.withdrawn_at, assignment.withdrawn_reason = utcnow(), "conflict"
    db.session.commit()
    client = as_user(w.centre_admin)
    url = f"/sessions/{w.session.id}/enrolments/{w.enrolments[0].id}/assign"
    assert "retiré(e) : conflit d'intérêts" in _page(client.get(url))
    client.post(f"{url[:-len('/assign')]}/assignments/{assignment.id}/remove")
    db.session.expire_all()
    assert db.session.get(type(assignment), assignment.id).sheet is not None


def test_the_assignment_page_tells_each_juror_once_per_batch(world, as_user, db):
    from assess.notifications.models import Notification

    w = world(candidates=1, jurors=2, assign_all=False)
    enrolment = w.enrolments[0]
    client = as_user(w.centre_admin)
    url = f"/sessions/{w.session.id}/enrolments/{enrolment.id}/assign"
    data = {f"exam-{x.id}": str(w.jurors[0].id) for x in w.session.exams}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302  # nothing new: no second e-mail
    [note] = db.session.scalars(select(Notification).where(Notification.event == "assignments"))
    assert note.recipient_id == w.jurors[0].id and note.subject == "3 nouvelles copies à évaluer"
