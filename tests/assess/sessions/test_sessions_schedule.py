"""Scheduling the parts of the épreuves: Paris time in, naive UTC stored, input kept."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.sessions.models import PartKind, SessionStatus
from tests.factories import move_to


def _parts(session):
    return [p for exam in session.exams for p in exam.parts]


def _data(session, **overrides):
    """A valid form for every part; ``overrides`` maps ``p<id>_<field>`` to a value."""
    data = {}
    for part in _parts(session):
        data.update({f"p{part.id}_starts_at": "2027-03-01T09:00",
                     f"p{part.id}_duration": "240",
                     f"p{part.id}_place": "Salle Rameau",
                     f"p{part.id}_deadline": "2027-03-05T18:00"})
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["admin", "centre_admin"])
def test_schedule_stores_utc_and_audits(as_user, world, db, who):
    w = world(candidates=0, jurors=0)
    response = as_user(getattr(w, who)).post(f"/sessions/{w.session.id}/exams",
                                            data=_data(w.session))
    assert response.status_code == 302
    db.session.expire_all()
    for part in _parts(w.session):
        assert part.starts_at == datetime(2027, 3, 1, 8, 0)  # 09:00 Paris = 08:00 UTC
        # The oral takes nothing handed in: it has no deadline (its field does not exist).
        assert part.submission_deadline == (None if part.kind == PartKind.ORAL
                                            else datetime(2027, 3, 5, 17, 0))
        assert part.duration_minutes == 240 and part.place == "Salle Rameau"
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "exam.scheduled")).all()
    assert len(events) == 4
    assert events[0].new["starts_at"] == "2027-03-01T08:00:00"
    assert events[0].old["place"] == "Salle 1"


def test_form_shows_paris_time(as_user, world, db):
    w = world(candidates=0, jurors=0)
    part = _parts(w.session)[0]
    part.starts_at = datetime(2026, 7, 1, 7, 30)  # summer: UTC+2
    db.session.commit()
    page = as_user(w.admin).get(f"/sessions/{w.session.id}/exams").get_data(as_text=True)
    assert 'value="2026-07-01T09:30"' in page
    assert "Étude de cas pratique" in page and "Soutenance orale" in page
    assert 'type="datetime-local"' in page
    show = as_user(w.admin).get(f"/sessions/{w.session.id}").get_data(as_text=True)
    assert "09:30" in show


def test_bad_duration_keeps_everything_typed(as_user, world, db):
    w = world(candidates=0, jurors=0)
    first = _parts(w.session)[0]
    before = first.starts_at
    data = _data(w.session, **{f"p{first.id}_duration": "deux heures",
                               f"p{first.id}_place": "Amphi B"})
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/exams", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="deux heures"' in page and 'value="Amphi B"' in page
    assert 'value="2027-03-01T09:00"' in page
    assert 'aria-invalid="true"' in page
    db.session.expire_all()
    assert first.starts_at == before and first.place == "Salle 1"


def test_negative_duration_refused(as_user, world):
    w = world(candidates=0, jurors=0)
    first = _parts(w.session)[0]
    data = _data(w.session, **{f"p{first.id}_duration": "-5"})
    page = as_user(w.admin).post(f"/sessions/{w.session.id}/exams", data=data).get_data(
        as_text=True)
    assert "Indiquez une durée entre 1 et 1440 minutes" in page


def test_dossier_deadline_is_required(as_user, world, db):
    w = world(candidates=0, jurors=0)
    dossier = next(p for p in _parts(w.session) if p.kind == PartKind.DOSSIER)
    oral = next(p for p in _parts(w.session) if p.kind == PartKind.ORAL)
    data = _data(w.session, **{f"p{dossier.id}_deadline": "", f"p{oral.id}_deadline": ""})
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/exams", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("La date limite de dépôt du dossier est obligatoire") == 1


def test_published_session_cannot_be_rescheduled(as_user, world, db):
    w = world(candidates=0, jurors=0)
    move_to(w.session, SessionStatus.PUBLISHED)
    db.session.commit()
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/exams", data=_data(w.session))
    assert response.status_code == 200
    assert "Les résultats de la session sont publiés" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _parts(w.session)[0].place == "Salle 1"


def test_operation_refuses_parts_of_another_session(world, db):
    from assess.sessions.operations import PartSchedule, SessionError, schedule_exams

    w = world(candidates=0, jurors=0)
    other = world(candidates=0, jurors=0)
    foreign = _parts(other.session)[0]
    with pytest.raises(SessionError):
        schedule_exams(w.admin, w.session, {foreign.id: PartSchedule(None, None, None, None)})


def _versions(session) -> dict:
    return {f"p{part.id}_version": str(part.version) for part in _parts(session)}


def test_a_stale_calendar_answers_409_and_keeps_what_was_typed(as_user, world, db):
    w = world(candidates=0, jurors=0)
    loaded = _versions(w.session)  # the page the first admin opened
    first = _parts(w.session)[0]
    # Meanwhile the other admin saves a new place.
    assert as_user(w.centre_admin).post(f"/sessions/{w.session.id}/exams", data=_data(
        w.session, **{f"p{first.id}_place": "Salle Debussy"}, **_versions(w.session))
    ).status_code == 302

    typed = _data(w.session, **{f"p{first.id}_place": "Amphi Ravel"}, **loaded)
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/exams", data=typed)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Amphi Ravel" in page  # the typing is kept
    assert "Salle Debussy" in page  # and what the other admin saved is shown next to it
    assert "modifié pendant votre saisie" in page
    db.session.expire_all()
    assert db.session.get(type(first), first.id).place == "Salle Debussy"
    # The form now carries the current versions: saving again knowingly replaces.
    current = _versions(w.session)
    for name, value in current.items():
        assert f'name="{name}" type="hidden" value="{value}"' in page
    again = as_user(w.admin).post(f"/sessions/{w.session.id}/exams",
                                  data={**typed, **current})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(first), first.id).place == "Amphi Ravel"


def test_a_write_committed_between_load_and_flush_is_a_409(as_user, world, db, monkeypatch):
    from sqlalchemy import text

    from assess.sessions import views

    w = world(candidates=0, jurors=0)
    first = _parts(w.session)[0]
    original = views.load_session_for

    def load_then_race(user, session_id):
        loaded = original(user, session_id)
        with db.engine.begin() as other:  # another admin's save commits meanwhile
            other.execute(text("UPDATE exam_parts SET version = version + 1, "
                               "place = 'Salle Debussy' WHERE id = :id"), {"id": first.id})
        return loaded

    monkeypatch.setattr(views, "load_session_for", load_then_race)
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/exams", data=_data(
        w.session, **{f"p{first.id}_place": "Amphi Ravel"}))
    assert response.status_code == 409
    assert "Amphi Ravel" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(first), first.id).place == "Salle Debussy"


def test_a_start_in_the_past_or_a_deadline_before_the_start_is_refused_by_its_field(
        as_user, world, db):
    w = world(candidates=0, jurors=0)
    first, second = _parts(w.session)[:2]
    data = _data(w.session, **{f"p{first.id}_starts_at": "2020-01-06T09:00",
                               f"p{second.id}_deadline": "2027-02-01T09:00",
                               f"p{second.id}_place": "Amphi Ravel"})
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/exams", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Cette date est passée" in page and "La date limite doit suivre le début" in page
    assert 'value="Amphi Ravel"' in page  # the typing is kept
    db.session.expire_all()
    assert second.place == "Salle 1"


def test_moving_a_deadline_before_work_handed_in_warns_then_flags_it_late(
        as_user, world, db, post_upload):
    from datetime import UTC, timedelta
    from zoneinfo import ZoneInfo

    from assess.core.columns import utcnow
    from assess.dashboard import queries

    w = world(candidates=1, jurors=0)
    dossier = next(p for p in _parts(w.session) if p.kind == PartKind.DOSSIER)
    as_user(w.candidates[0])
    assert post_upload(dossier.exam_id).status_code == 302
    dossier.starts_at = utcnow() - timedelta(days=3)  # the hand-in period opened
    db.session.commit()

    def paris(value):  # what the form shows: Paris time
        return value.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris")).strftime(
            "%Y-%m-%dT%H:%M")

    db.session.expire_all()
    data = {}
    for part in _parts(w.session):  # what the form holds: the stored values
        data.update({f"p{part.id}_starts_at": paris(part.starts_at),
                     f"p{part.id}_duration": str(part.duration_minutes),
                     f"p{part.id}_place": part.place,
                     f"p{part.id}_deadline": paris(part.submission_deadline),
                     f"p{part.id}_version": str(part.version)})
    data[f"p{dossier.id}_deadline"] = paris(utcnow() - timedelta(hours=1))
    client = as_user(w.admin)
    response = client.post(f"/sessions/{w.session.id}/exams", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 dépôt(s) déjà reçu(s)" in page, re.findall(r"field-error[^>]*>([^<]*)", page)
    assert 'name="confirm_late"' in page
    db.session.expire_all()
    assert dossier.submission_deadline > utcnow()  # nothing changed yet
    response = client.post(f"/sessions/{w.session.id}/exams", data=dict(data, confirm_late="1"))
    assert response.status_code == 302
    progress = queries.exam_progress(w.session.id, w.session.exams)
    assert next(p for p in progress if p.exam.id == dossier.exam_id).late == 1
