"""Creating a session: pinned to the latest référentiel, one épreuve per bloc."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.sessions.models import CertificationSession, PartKind
from tests.factories import create_centre, create_user


def _form(centre_id, name="Session de juin"):
    return {"name": name, "centre_id": str(centre_id), "starts_on": "2026-06-01",
            "ends_on": "2026-06-30"}


def _sessions(db, name):
    return db.session.scalars(select(CertificationSession).where(
        CertificationSession.name == name)).all()


@pytest.mark.parametrize("who", ["admin", "centre_admin"])
def test_create_session_builds_exams_from_the_referential(as_user, world, db, who):
    w = world(candidates=0, jurors=0)
    response = as_user(getattr(w, who)).post("/sessions/new", data=_form(w.centre.id))
    assert response.status_code == 302
    [session] = _sessions(db, "Session de juin")
    assert response.headers["Location"].endswith(f"/sessions/{session.id}/exams")
    assert session.centre_id == w.centre.id
    assert session.referential_version.number == 1
    assert [e.position for e in session.exams] == [1, 2, 3]
    assert [[p.kind for p in e.parts] for e in session.exams] == [
        [PartKind.WRITTEN], [PartKind.PRACTICAL], [PartKind.DOSSIER, PartKind.ORAL]]
    oral = session.exams[2].parts[1]
    assert oral.position == 2 and oral.description.startswith("Le/la candidat(e) soutient")
    assert session.exams[2].modality_kind == "dossier_and_oral"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.created"))
    assert event.object_id == session.id and event.session_id == session.id


def test_session_pins_the_latest_version(as_user, world, db):
    from assess.referential.operations import store
    from rubrics.loader import load

    w = world(candidates=0, jurors=0)
    v2, created = store(dataclasses.replace(load(), rncp_code="RNCP99999"))
    db.session.commit()
    assert created and v2.number == 2
    as_user(w.admin).post("/sessions/new", data=_form(w.centre.id, "S2"))
    [session] = _sessions(db, "S2")
    assert session.referential_version_id == v2.id
    assert {e.block.version_id for e in session.exams} == {v2.id}


def test_centre_admin_cannot_create_for_another_centre(as_user, world, db):
    w = world(candidates=0, jurors=0)
    response = as_user(w.centre_admin).post("/sessions/new",
                                           data=_form(w.other_centre.id, "Forgée"))
    assert response.status_code == 200
    assert _sessions(db, "Forgée") == []
    assert "Le formulaire contient des erreurs" in response.get_data(as_text=True)


def test_centre_admin_sees_their_centre_fixed(as_user, world):
    w = world(candidates=0, jurors=0)
    page = as_user(w.centre_admin).get("/sessions/new").get_data(as_text=True)
    assert w.centre.name in page
    assert w.other_centre.name not in page
    assert not re.search(r'<select[^>]*id="centre_id"', page)
    page = as_user(w.admin).get("/sessions/new").get_data(as_text=True)
    assert re.search(r'<select[^>]*id="centre_id"', page) and w.other_centre.name in page


def test_dates_in_wrong_order_keep_the_input(as_user, world, db):
    w = world(candidates=0, jurors=0)
    data = _form(w.centre.id, "À l'envers") | {"starts_on": "2026-07-01"}
    response = as_user(w.admin).post("/sessions/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "La date de fin doit être postérieure" in page
    assert 'value="2026-07-01"' in page and "l&#39;envers" in page
    assert _sessions(db, "À l'envers") == []


def test_without_referential_the_admin_is_told_to_load_it(as_user, app, db):
    centre = create_centre()
    admin = create_user("certifier_admin")
    db.session.commit()
    client = as_user(admin)
    assert "assess referential load" in client.get("/sessions/new").get_data(as_text=True)
    response = client.post("/sessions/new", data=_form(centre.id, "Sans référentiel"))
    assert response.status_code == 200
    assert "assess referential load" in response.get_data(as_text=True)
    assert _sessions(db, "Sans référentiel") == []


def test_create_session_operation_refuses_other_centre(world, db):
    from assess.sessions.operations import SessionError, create_session

    w = world(candidates=0, jurors=0)
    with pytest.raises(SessionError):
        create_session(w.centre_admin, centre_id=w.other_centre.id, name="x",
                       starts_on=None, ends_on=None)
