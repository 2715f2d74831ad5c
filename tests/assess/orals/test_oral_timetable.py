"""A juror's oral timetable: their own slots only, by day, with the room, the place, the
candidate as the juror may see them, the other members and the grading sheet; the same as
an .ics calendar (one event per slot, stable UID, UTC times, no name when anonymous)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from tests.assess.orals.helpers import oral_part, seat, slot
from tests.factories import assign

NINE_UTC = datetime(2027, 3, 15, 8, 0)


@pytest.fixture
def panels(world, db):
    """Candidate 0 heard by jurors 0 (president) and 1, candidate 1 by jurors 1 and 2."""
    w = world(candidates=2, jurors=3, assign_all=False)
    part = oral_part(w.session)
    part.place = "12 rue des Écoles, Lyon"
    w.bloc3 = part.exam
    first = slot(w.session, w.enrolments[0], "Salle A", NINE_UTC)
    second = slot(w.session, w.enrolments[1], "Salle B", NINE_UTC + timedelta(days=1))
    seat(first, w.jurors[0], "president")
    seat(first, w.jurors[1])
    seat(second, w.jurors[1], "president")
    seat(second, w.jurors[2])
    w.sheet = assign(w.jurors[0], w.enrolments[0], w.bloc3)
    w.slots = [first, second]
    db.session.commit()
    return w


def test_the_juror_sees_their_own_slots_with_room_place_panel_and_sheet(db, panels, as_user):
    page = as_user(panels.jurors[0]).get("/jury/oraux").get_data(as_text=True)
    assert "Salle A" in page and "12 rue des Écoles, Lyon" in page
    assert panels.candidates[0].full_name in page and panels.jurors[1].full_name in page
    assert f"/jury/evaluations/{panels.sheet.id}" in page
    assert "Salle B" not in page and panels.candidates[1].full_name not in page
    assert "15 mars 2027 09:00" in page  # Paris time
    other = as_user(panels.jurors[2]).get("/jury/oraux").get_data(as_text=True)
    assert "Salle B" in other and "Salle A" not in other


def test_the_ics_has_one_event_per_slot_with_a_stable_uid_and_utc_times(db, panels, as_user):
    client = as_user(panels.jurors[1])
    response = client.get("/jury/oraux.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    assert first.decoded("dtstart") == NINE_UTC.replace(tzinfo=UTC)
    assert first.decoded("dtend") == (NINE_UTC + timedelta(minutes=45)).replace(tzinfo=UTC)
    assert "Salle A" in str(first["summary"]) and "bloc 3" in str(first["summary"])
    assert "12 rue des Écoles" in str(first["location"])
    again = Calendar.from_ical(client.get("/jury/oraux.ics").data).walk("VEVENT")
    assert [str(e["uid"]) for e in again] == [str(e["uid"]) for e in events]
    assert len({str(e["uid"]) for e in events}) == 2


def test_an_anonymous_session_shows_numbers_and_the_ics_names_no_one(db, panels, as_user):
    panels.session.anonymous_grading = True
    for n, e in enumerate(panels.enrolments):
        e.anonymous_number = f"10000{n}"
    db.session.commit()
    client = as_user(panels.jurors[1])
    page = client.get("/jury/oraux").get_data(as_text=True)
    ics = client.get("/jury/oraux.ics").get_data(as_text=True)
    for candidate in panels.candidates:
        assert candidate.full_name not in page and candidate.last_name not in ics
    assert "100000" in page and "100000" in ics


@pytest.mark.parametrize("who", ["centre_admin", "certifier_admin"])
def test_the_timetable_is_for_jurors_only(db, panels, as_user, who):
    client = as_user(getattr(panels, "admin" if who == "certifier_admin" else who))
    assert client.get("/jury/oraux").status_code == 403
    assert client.get("/jury/oraux.ics").status_code == 403


def test_the_juror_index_links_to_the_timetable(db, panels, as_user):
    assert "/jury/oraux" in as_user(panels.jurors[0]).get("/jury/").get_data(as_text=True)


def test_the_timetable_runs_a_fixed_number_of_statements(world, db, as_user, count_queries):
    w = world(candidates=20, jurors=2, assign_all=False)
    juror, other = w.jurors
    slots = [slot(w.session, e, "Salle A", NINE_UTC + timedelta(hours=i))
             for i, e in enumerate(w.enrolments)]
    for s, e in zip(slots, w.enrolments, strict=True):
        seat(s, other, "president")
        assign(juror, e, oral_part(w.session).exam)
    client = as_user(juror)
    counts = []
    for seated, shown in ((slots[:2], 2), (slots[2:], 20)):
        for s in seated:
            seat(s, juror)
        db.session.commit()
        with count_queries() as statements:
            page = client.get("/jury/oraux").get_data(as_text=True)
        assert page.count("/jury/evaluations/") == shown
        counts.append(len(statements))
    assert counts[0] == counts[1]
