"""Creating a centre: audited, unique name, optional 14-digit SIRET; refused input is kept."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.centres.models import TrainingCentre
from assess.centres.operations import CentreError, create_centre


def _centre(db, name):
    return db.session.scalar(select(TrainingCentre).where(TrainingCentre.name == name))


def test_create_centre_then_land_on_its_page(as_user, w, db, audit_actions):
    client = as_user(w.admin)
    form = client.get("/centres/new").get_data(as_text=True)
    assert 'name="siret"' in form and 'name="city"' in form
    response = client.post("/centres/new", data={
        "name": "  Campus Numérique  ", "siret": "123 456 789\u00a000012", "city": "Nantes"})
    centre = _centre(db, "Campus Numérique")
    assert response.status_code == 302
    assert response.location == f"/centres/{centre.id}"
    assert (centre.siret, centre.city) == ("12345678900012", "Nantes")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "centre.created"))
    assert event.actor_id == w.admin.id and event.object_id == centre.id
    assert event.new == {"name": "Campus Numérique", "siret": "12345678900012",
                         "city": "Nantes"}
    page = client.get(response.location).get_data(as_text=True)
    assert "Invitez maintenant son administrateur" in page


def test_siret_and_city_are_optional(as_user, w, db):
    response = as_user(w.admin).post("/centres/new", data={"name": "Sans SIRET", "siret": " "})
    assert response.status_code == 302
    centre = _centre(db, "Sans SIRET")
    assert centre.siret is None and centre.city is None


def test_duplicate_name_is_refused_and_input_kept(as_user, w, db, audit_actions):
    before = audit_actions("centre.")
    response = as_user(w.admin).post("/centres/new", data={
        "name": w.centre.name.upper(), "siret": "98765432100019", "city": "Brest"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Un centre porte déjà le nom" in page and "choisissez un autre nom" in page
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="name"', page)
    assert "votre saisie a été conservée" in page
    assert f'value="{w.centre.name.upper()}"' in page
    assert 'value="98765432100019"' in page and 'value="Brest"' in page
    assert db.session.query(TrainingCentre).count() == 2
    assert audit_actions("centre.") == before


@pytest.mark.parametrize("siret", ["1234567890001", "123456789000123", "12345678900O12",
                                   "１２３４５６７８９０００１２"])
def test_bad_siret_is_refused_and_input_kept(as_user, w, db, siret):
    response = as_user(w.admin).post("/centres/new", data={
        "name": "Centre au SIRET faux", "siret": siret, "city": "Lille"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Le SIRET doit comporter exactement 14 chiffres" in page
    assert 'value="Centre au SIRET faux"' in page and 'value="Lille"' in page
    assert _centre(db, "Centre au SIRET faux") is None


def test_name_is_required(as_user, w, db):
    response = as_user(w.admin).post("/centres/new", data={"name": "  ", "city": "Metz"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Indiquez le nom du centre de formation." in page
    assert 'value="Metz"' in page


def test_the_operation_checks_the_actor_and_the_data(w, db):
    with pytest.raises(CentreError):
        create_centre(w.centre_admin, name="Refusé")
    with pytest.raises(CentreError, match="14 chiffres"):
        create_centre(w.admin, name="Refusé", siret="12")
    with pytest.raises(CentreError, match="nom du centre"):
        create_centre(w.admin, name=" ")
    assert _centre(db, "Refusé") is None
