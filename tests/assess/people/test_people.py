"""Admins editing, deactivating and reactivating accounts: who may manage whom, a
deactivated account cannot sign in, its history stays."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, create_user


@pytest.fixture
def people(world, db):
    w = world(candidates=1, jurors=1, assign_all=False)
    co_admin = create_user("centre_admin", centre=w.centre)
    db.session.commit()
    return w, co_admin


@pytest.mark.parametrize(("actor", "target", "status"), [
    ("admin", "candidate", 200), ("admin", "juror", 200), ("admin", "co_admin", 200),
    ("admin", "admin", 404),  # not oneself
    ("centre_admin", "candidate", 200), ("centre_admin", "co_admin", 200),
    ("centre_admin", "juror", 404), ("other_centre_admin", "candidate", 404),
    ("juror", "candidate", 403), ("candidate", "co_admin", 403),
])
def test_who_manages_whom(db, people, as_user, actor, target, status):
    w, co_admin = people
    users = {"admin": w.admin, "centre_admin": w.centre_admin, "co_admin": co_admin,
             "other_centre_admin": w.other_centre_admin, "juror": w.jurors[0],
             "candidate": w.candidates[0]}
    response = as_user(users[actor]).get(f"/comptes/{users[target].id}")
    assert response.status_code == status
    if status != 200:
        assert users[target].email not in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_sign_in_and_keeps_its_history(db, people, as_user,
                                                                    client, login):
    w, _co = people
    candidate = w.candidates[0]
    admin = as_user(w.centre_admin)
    response = admin.post(f"/comptes/{candidate.id}/desactiver", data={"reason": ""})
    assert response.status_code == 422
    assert admin.post(f"/comptes/{candidate.id}/desactiver",
                      data={"reason": "A quitté la formation"}).status_code == 302
    db.session.refresh(candidate)
    assert not candidate.active
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "account.deactivated"))
    assert event.reason == "A quitté la formation" and event.actor_id == w.centre_admin.id
    fresh = client.application.test_client()
    response = fresh.post("/login", data={"email": candidate.email,
                                          "password": DEFAULT_PASSWORD})
    assert "/login" in (response.headers.get("Location") or "/login")
    assert as_user(w.centre_admin).post(f"/comptes/{candidate.id}/reactiver").status_code == 302
    db.session.refresh(candidate)
    assert candidate.active


def test_profile_edit_is_audited_and_keeps_the_typing_on_refusal(db, people, as_user):
    w, _co = people
    juror = w.jurors[0]
    client = as_user(w.admin)
    response = client.post(f"/comptes/{juror.id}", data={"first_name": "", "last_name": "X",
                                                          "organisation": "Agence Web"})
    assert response.status_code == 422 and 'value="Agence Web"' in response.get_data(
        as_text=True)
    assert client.post(f"/comptes/{juror.id}", data={
        "first_name": "Claire", "last_name": "Martin", "organisation": "Agence Web",
        "profession": "Directrice de clientèle"}).status_code == 302
    db.session.refresh(juror)
    assert (juror.first_name, juror.organisation) == ("Claire", "Agence Web")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.updated"))
    assert event.new["organisation"] == "Agence Web"


def test_the_certifier_edits_a_centre_and_nobody_else_can(db, people, as_user):
    w, _co = people
    url = f"/centres/{w.centre.id}/modifier"
    assert as_user(w.centre_admin).get(url).status_code == 403
    client = as_user(w.admin)
    taken = client.post(url, data={"name": w.other_centre.name, "siret": "", "city": "Lyon"})
    assert taken.status_code == 422 and "déjà le nom" in taken.get_data(as_text=True)
    bad = client.post(url, data={"name": "Centre Rhône", "siret": "123", "city": "Lyon"})
    assert bad.status_code == 422 and 'value="Centre Rhône"' in bad.get_data(as_text=True)
    assert client.post(url, data={"name": "Centre Rhône", "siret": "123 456 789 00012",
                                  "city": "Lyon"}).status_code == 302
    db.session.refresh(w.centre)
    assert (w.centre.name, w.centre.siret) == ("Centre Rhône", "12345678900012")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "centre.updated"))
    assert event.new["name"] == "Centre Rhône"
