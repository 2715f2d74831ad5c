"""Planning the oral in the browser's forms: the plan, placing (a longer slot for extra
time), moving by hand with overlaps refused, and the convocation saying the slot."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from assess.accommodations.models import Accommodation, AccommodationMeasure
from assess.orals.models import OralSlot
from assess.sessions.models import PartKind, SessionStatus
from tests.factories import ACTORS

PLAN = {"windows": "15/03/2027 09:00-10:45\n16/03/2027 14:00-15:00", "slot_minutes": "40",
        "break_minutes": "10", "rooms": "Salle A"}


def url(w):
    return f"/sessions/{w.session.id}/oral"


def slots(db):
    db.session.expire_all()
    return db.session.scalars(select(OralSlot).order_by(OralSlot.starts_at)).all()


@pytest.fixture
def three(world, db):
    w = world(candidates=3, jurors=1, assign_all=False, status=SessionStatus.ENROLMENT)
    bloc3 = w.session.exams[2]
    row = Accommodation(enrolment_id=w.enrolments[0].id, extra_time_percent=33,
                        status="granted", decided_at=datetime(2026, 12, 1))
    row.measures.append(AccommodationMeasure(exam_id=bloc3.id, extra_minutes=15))
    db.session.add(row)
    db.session.commit()
    return w


def test_a_plan_with_mistakes_is_refused_by_field_and_kept(db, three, as_user):
    client = as_user(three.centre_admin)
    response = client.post(url(three), data=dict(PLAN, windows="15/03/2027 9h-midi"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ligne 1" in page and "9h-midi" in page
    response = client.post(url(three), data=dict(
        PLAN, windows="15/03/2027 09:00-12:00\n15/03/2027 11:00-13:00", rooms="A\na"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "se chevauchent" in page and "deux fois" in page


def test_placing_gives_a_longer_slot_for_extra_time_and_says_who_does_not_fit(
        db, three, as_user):
    client = as_user(three.centre_admin)
    assert client.post(url(three), data=PLAN).status_code == 302
    response = client.post(f"{url(three)}/placer")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    placed = slots(db)
    assert len(placed) == 3  # two on the 15th (55 + 10 + 40 = 105 min), one on the 16th
    lengths = {s.enrolment_id: (s.ends_at - s.starts_at).seconds // 60 for s in placed}
    assert lengths[three.enrolments[0].id] == 55
    assert "3 candidat(s) placé(s)" in page


def test_moving_by_hand_refuses_an_occupied_room_and_a_slot_too_short(db, three, as_user):
    client = as_user(three.centre_admin)
    client.post(url(three), data=PLAN)
    client.post(f"{url(three)}/placer")
    first, second = slots(db)[:2]
    p = f"s{second.id}-"
    taken = client.post(f"{url(three)}/creneaux/{second.id}", data={
        p + "room": "Salle A", p + "starts_at": "2027-03-15T09:10", p + "minutes": "40"})
    assert taken.status_code == 422 and "déjà occupée" in taken.get_data(as_text=True)
    p = f"s{first.id}-"
    short = client.post(f"{url(three)}/creneaux/{first.id}", data={
        p + "room": "Salle B", p + "starts_at": "2027-03-16T16:00", p + "minutes": "40"})
    assert short.status_code == 422 and "trop court" in short.get_data(as_text=True)
    assert client.post(f"{url(three)}/creneaux/{first.id}", data={
        p + "room": "Salle B", p + "starts_at": "2027-03-16T16:00",
        p + "minutes": "55"}).status_code == 302
    moved = db.session.get(OralSlot, first.id)
    assert moved.room == "Salle B" and moved.moved_by_hand
    assert moved.starts_at == datetime(2027, 3, 16, 15, 0)  # 16:00 Paris = 15:00 UTC
    client.post(f"{url(three)}/placer")  # placing again keeps the slot moved by hand
    assert db.session.get(OralSlot, first.id).room == "Salle B"


def test_the_oral_convocation_gives_the_candidate_slot(db, three, as_user, mail_outbox):
    client = as_user(three.centre_admin)
    client.post(url(three), data=PLAN)
    client.post(f"{url(three)}/placer")
    client.post(f"/sessions/{three.session.id}/convocations")
    from assess.convocations.models import Convocation

    oral = next(p for e in three.session.exams for p in e.parts if p.kind == PartKind.ORAL)
    conv = db.session.scalar(select(Convocation).where(
        Convocation.exam_part_id == oral.id,
        Convocation.enrolment_id == three.enrolments[0].id))
    assert conv.details["place"] == "Salle A" and conv.details["duration_minutes"] == 55


@pytest.mark.parametrize(("who", "status"), [("other_centre_admin", 404),
                                             ("assigned_juror", 403),
                                             ("enrolled_candidate", 403)])
def test_others_cannot_plan(db, three, as_user, who, status):
    assert as_user(ACTORS[who](three)).post(url(three), data=PLAN).status_code == status
