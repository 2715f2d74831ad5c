"""Composing the oral panels: each rule refuses with a sentence naming it and the people,
the bulk "this room, this day", the bloc 3 assignments that follow the panel, a slot move
that would put a juror in two places, and who may reach the page."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from assess.accounts.models import Gender
from assess.audit.models import AuditEvent
from assess.juries.models import Assignment, ConflictOfInterest, JurorAvailability, LinkKind
from assess.orals.models import OralPanelMember, OralSlot
from assess.sessions.models import SessionStatus
from assess.sessions.signals import parts_rescheduled
from tests.assess.orals.helpers import may_sit, oral_part, seat, slot
from tests.factories import ACTORS, create_session, enrol

MARCH_15_9H = datetime(2027, 3, 15, 8, 0)  # 09:00 in Paris (UTC+1)
MARCH_15_10H = datetime(2027, 3, 15, 9, 0)


@pytest.fixture
def orals(world, db):
    """Three candidates: two in room A (9:00, 10:00), one in room B (9:00); four jurors
    who may sit on bloc 3 panels."""
    w = world(candidates=3, jurors=4, assign_all=False, status=SessionStatus.ENROLMENT)
    may_sit(*w.jurors)
    w.slots = [slot(w.session, w.enrolments[0], "A", MARCH_15_9H),
               slot(w.session, w.enrolments[1], "A", MARCH_15_10H),
               slot(w.session, w.enrolments[2], "B", MARCH_15_9H)]
    w.bloc3 = oral_part(w.session).exam
    db.session.commit()
    return w


def post(client, w, s, roles, scope="slot"):
    data = {f"p{s.id}-j{j.id}": role for j, role in roles.items()}
    return client.post(f"/sessions/{w.session.id}/oral/jurys/{s.id}", data=dict(data, scope=scope))


def panel(db, s):
    db.session.expire_all()
    return {m.juror_id: m.role for m in db.session.scalars(
        select(OralPanelMember).where(OralPanelMember.slot_id == s.id))}


def bloc3_jurors(db, w, enrolment):
    db.session.expire_all()
    return set(db.session.scalars(select(Assignment.juror_id).where(
        Assignment.enrolment_id == enrolment.id, Assignment.exam_id == w.bloc3.id)))


def test_a_panel_is_saved_with_its_assignments_audited_and_no_convocation_sent(
        db, orals, as_user):
    sent = []

    def resent(session, **kwargs):
        sent.append(session)

    parts_rescheduled.connect(resent)
    a, b = orals.jurors[:2]
    client = as_user(orals.centre_admin)
    page = client.get(f"/sessions/{orals.session.id}/oral/jurys").get_data(as_text=True)
    assert orals.candidates[0].full_name in page and "jury à composer" in page
    assert post(client, orals, orals.slots[0], {a: "president", b: "member"}).status_code == 302
    assert panel(db, orals.slots[0]) == {a.id: "president", b.id: "member"}
    assert bloc3_jurors(db, orals, orals.enrolments[0]) == {a.id, b.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "oral.panel_changed"))
    assert event.old == {"panel": []}
    assert event.new["panel"] == sorted([{"juror_id": a.id, "role": "president"},
                                         {"juror_id": b.id, "role": "member"}],
                                        key=lambda m: m["juror_id"])
    parts_rescheduled.disconnect(resent)
    assert sent == []  # the candidate's time and room did not change


def _conflict(db, w, juror):
    db.session.add(ConflictOfInterest(juror_id=juror.id, enrolment_id=w.enrolments[0].id,
                                      kind=LinkKind.TRAINER))


def _unavailable(db, w, juror):
    db.session.add(JurorAvailability(juror_id=juror.id, starts_on=date(2027, 4, 1),
                                     ends_on=date(2027, 4, 30)))


def _busy_elsewhere(db, w, juror):
    # Another session (here of another centre) has an oral at the same time with them.
    other = create_session(w.session.referential_version, w.other_centre)
    from tests.factories import create_user

    candidate = create_user("candidate", centre=w.other_centre)
    elsewhere = slot(other, enrol(other, candidate), "Z", MARCH_15_9H.replace(minute=30))
    seat(elsewhere, juror)


@pytest.mark.parametrize(("roles", "setup", "expected"), [
    ({0: "president"}, None, "Collégialité : le jury n'a qu'un membre"),
    ({0: "member", 1: "member"}, None, "Présidence : le jury n'a pas de président"),
    ({0: "president", 1: "president"}, None, "le jury a 2 présidents"),
    ({0: "president", 1: "member"}, _conflict, "Conflit d'intérêts : {juror} a un lien"),
    ({0: "president", 1: "member"}, _unavailable, "Disponibilité : {juror} n'est pas disponible"),
    ({0: "president", 1: "member"}, _busy_elsewhere,
     "Chevauchement : {juror} siège déjà au jury d'un autre oral"),
])
def test_each_rule_refuses_the_panel_with_a_sentence_naming_it(
        db, orals, as_user, roles, setup, expected):
    jurors = {orals.jurors[i]: role for i, role in roles.items()}
    if setup:
        setup(db, orals, orals.jurors[1])
        db.session.commit()
    response = post(as_user(orals.centre_admin), orals, orals.slots[0], jurors)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert expected.format(juror=orals.jurors[1].full_name).replace("'", "&#39;") in page
    assert panel(db, orals.slots[0]) == {}
    assert bloc3_jurors(db, orals, orals.enrolments[0]) == set()


def test_the_overlap_names_the_other_slot_of_the_same_centre(db, orals, as_user):
    a, b, c = orals.jurors[:3]
    client = as_user(orals.centre_admin)
    assert post(client, orals, orals.slots[2], {a: "president", c: "member"}).status_code == 302
    page = post(client, orals, orals.slots[0], {a: "president", b: "member"}).get_data(
        as_text=True)
    assert f"{a.full_name} siège déjà" in page and "salle « B »" in page


def test_a_juror_who_may_not_assess_bloc_3_is_refused(db, orals, as_user, make_user):
    from assess.juries.models import juror_centres

    outsider = make_user("juror", is_professional=True)
    db.session.execute(juror_centres.insert().values(juror_id=outsider.id,
                                                     centre_id=orals.centre.id))
    db.session.commit()
    response = post(as_user(orals.centre_admin), orals, orals.slots[0],
                    {orals.jurors[0]: "president", outsider: "member"})
    assert response.status_code == 422 and panel(db, orals.slots[0]) == {}


def test_the_parity_warning_is_shown_but_does_not_block(db, orals, as_user):
    a, b = orals.jurors[:2]
    a.gender = b.gender = Gender.FEMALE
    db.session.commit()
    client = as_user(orals.centre_admin)
    assert post(client, orals, orals.slots[0], {a: "president", b: "member"}).status_code == 302
    page = client.get(f"/sessions/{orals.session.id}/oral/jurys").get_data(as_text=True)
    assert "Parité (avertissement)" in page and "avertissement</span>" in page


def test_the_panel_applies_to_every_slot_of_the_room_that_day_except_where_it_cannot(
        db, orals, as_user):
    a, b = orals.jurors[:2]
    db.session.add(ConflictOfInterest(juror_id=b.id, enrolment_id=orals.enrolments[1].id,
                                      kind=LinkKind.RELATIVE))
    db.session.commit()
    client = as_user(orals.centre_admin)
    response = post(client, orals, orals.slots[0], {a: "president", b: "member"},
                    scope="room_day")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert panel(db, orals.slots[0]) == {a.id: "president", b.id: "member"}
    assert panel(db, orals.slots[1]) == {}  # b is related to that candidate
    assert panel(db, orals.slots[2]) == {}  # another room
    assert "Non appliqué" in page and orals.candidates[1].full_name in page
    db.session.query(ConflictOfInterest).delete()
    db.session.commit()
    post(client, orals, orals.slots[0], {a: "president", b: "member"}, scope="room_day")
    assert panel(db, orals.slots[1]) == {a.id: "president", b.id: "member"}
    assert bloc3_jurors(db, orals, orals.enrolments[1]) == {a.id, b.id}


def test_taking_a_juror_off_removes_their_assignment_unless_their_sheet_is_submitted(
        db, orals, as_user, submit_sheet):
    a, b, c = orals.jurors[:3]
    client = as_user(orals.centre_admin)
    s = orals.slots[0]
    post(client, orals, s, {a: "president", b: "member", c: "member"})
    assert bloc3_jurors(db, orals, orals.enrolments[0]) == {a.id, b.id, c.id}
    assert post(client, orals, s, {a: "president", b: "member"}).status_code == 302
    assert bloc3_jurors(db, orals, orals.enrolments[0]) == {a.id, b.id}
    submitted = db.session.scalar(select(Assignment).where(
        Assignment.juror_id == b.id, Assignment.enrolment_id == orals.enrolments[0].id))
    submit_sheet(submitted)
    response = post(client, orals, s, {a: "president", c: "member"})
    assert response.status_code == 422
    assert f"{b.full_name} a déjà soumis sa grille" in response.get_data(as_text=True)
    assert panel(db, s) == {a.id: "president", b.id: "member"}


def test_a_move_that_puts_a_panel_juror_in_two_places_is_refused(db, orals, as_user):
    a, b = orals.jurors[:2]
    client = as_user(orals.centre_admin)
    post(client, orals, orals.slots[0], {a: "president", b: "member"}, scope="room_day")
    s = orals.slots[1]
    p = f"s{s.id}-"
    response = client.post(f"/sessions/{orals.session.id}/oral/creneaux/{s.id}", data={
        p + "room": "C", p + "starts_at": "2027-03-15T09:15", p + "minutes": "45"})
    assert response.status_code == 422
    assert "Chevauchement" in response.get_data(as_text=True)
    assert db.session.get(OralSlot, s.id).room == "A"
    assert client.post(f"/sessions/{orals.session.id}/oral/creneaux/{s.id}", data={
        p + "room": "C", p + "starts_at": "2027-03-15T11:00",
        p + "minutes": "45"}).status_code == 302


def test_placing_again_keeps_the_slots_whose_panel_is_composed(db, orals, as_user):
    from assess.orals.models import OralPlan

    db.session.add(OralPlan(exam_part_id=oral_part(orals.session).id, slot_minutes=45,
                            break_minutes=15, windows=[{"day": "2027-03-16", "start": "09:00",
                                                       "end": "18:00"}], rooms=["D"]))
    db.session.commit()
    a, b = orals.jurors[:2]
    client = as_user(orals.centre_admin)
    post(client, orals, orals.slots[0], {a: "president", b: "member"})
    client.post(f"/sessions/{orals.session.id}/oral/placer")
    kept = db.session.get(OralSlot, orals.slots[0].id)
    assert kept is not None and kept.room == "A"
    assert panel(db, kept) == {a.id: "president", b.id: "member"}


@pytest.mark.parametrize(("who", "status"), [("other_centre_admin", 404),
                                             ("assigned_juror", 403),
                                             ("enrolled_candidate", 403)])
def test_others_cannot_compose_panels(db, orals, as_user, who, status):
    client = as_user(ACTORS[who](orals))
    assert client.get(f"/sessions/{orals.session.id}/oral/jurys").status_code == status
    assert post(client, orals, orals.slots[0], {orals.jurors[0]: "president",
                                                orals.jurors[1]: "member"}).status_code == status
    assert panel(db, orals.slots[0]) == {}


def test_the_panels_page_runs_a_fixed_number_of_statements(db, orals, as_user, count_queries):
    client = as_user(orals.centre_admin)
    a, b, c = orals.jurors[:3]
    url = f"/sessions/{orals.session.id}/oral/jurys"
    post(client, orals, orals.slots[0], {a: "president", b: "member"})
    with count_queries() as few:
        assert client.get(url).status_code == 200
    post(client, orals, orals.slots[1], {a: "president", c: "member"})
    post(client, orals, orals.slots[2], {b: "president", c: "member"})
    with count_queries() as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)


def test_a_panel_for_the_room_and_day_tells_each_juror_once(db, orals, as_user):
    from assess.notifications.models import Notification

    w = orals
    president, member = w.jurors[0], w.jurors[1]
    response = post(as_user(w.centre_admin), w, w.slots[0],
                    {president: "president", member: "member"}, scope="room_day")
    assert response.status_code == 302
    assert bloc3_jurors(db, w, w.enrolments[1]) == {president.id, member.id}
    notes = db.session.scalars(select(Notification).where(Notification.event == "assignments")
                               ).all()
    assert sorted(n.recipient_id for n in notes) == sorted([president.id, member.id])
    assert all(n.subject == "2 nouvelles copies à évaluer" for n in notes)


def test_a_juror_unavailable_that_day_is_said_so_before_choosing(db, orals, as_user):
    w = orals
    away, free = w.jurors[0], w.jurors[1]
    _unavailable(db, w, away)  # available in April only; the orals are on 15 March
    db.session.commit()
    page = as_user(w.centre_admin).get(f"/sessions/{w.session.id}/oral/jurys").get_data(
        as_text=True)
    assert f"{away.full_name} (indisponible ce jour)" in page
    assert f"{free.full_name} (indisponible ce jour)" not in page
