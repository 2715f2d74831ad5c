"""A candidate's identity as the CPF declaration needs it: shapes, normalisation, what
is missing, and the enrolment form that records it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from assess.accounts.models import User
from assess.candidates.identity import Identity
from assess.candidates.models import Candidate
from tests.assess.sessions.test_sessions_enrol import NEW


@pytest.mark.parametrize("code", ["69123", "2A004", "2b033", " 75056 "])
def test_insee_commune_codes_of_the_right_shape_pass(app, code):
    with app.test_request_context():
        identity = Identity(birth_insee_code=code).normalised()
        assert identity.problems() == {}
        assert identity.birth_insee_code == code.strip().upper()


@pytest.mark.parametrize("code", ["6912", "691234", "2C004", "ABCDE", "2A0045"])
def test_insee_commune_codes_of_the_wrong_shape_are_refused(app, code):
    with app.test_request_context():
        assert "birth_insee_code" in Identity(birth_insee_code=code).normalised().problems()


@pytest.mark.parametrize(("given_code", "kept"), [("100", "100"), ("99100", "100"),
                                                  ("99134", "134"), ("", "100")])
def test_country_codes_are_kept_as_three_digits(app, given_code, kept):
    with app.test_request_context():
        identity = Identity(birth_country_code=given_code).normalised()
        assert identity.problems() == {} and identity.birth_country_code == kept


def test_other_shapes_are_refused_field_by_field(app):
    with app.test_request_context():
        problems = Identity(sex="X", birth_postal_code="690", birth_country_code="FR",
                            first_name_3="Anne", birth_name="N" * 61,
                            birth_date=date.today() + timedelta(days=1)).normalised().problems()
    assert set(problems) == {"sex", "birth_postal_code", "birth_country_code", "first_name_2",
                             "birth_name", "birth_date"}


def test_missing_for_cpf_names_what_the_declaration_lacks(app):
    with app.test_request_context():
        assert Identity(birth_name="Dupont").missing_for_cpf() == [
            "premier prénom", "date de naissance", "sexe",
            "code INSEE ou code postal du lieu de naissance"]
        complete = Identity(birth_name="Dupont", first_name_1="Léa", sex="F",
                            birth_date=date(1998, 4, 12), birth_postal_code="69003")
        assert complete.missing_for_cpf() == []


@given(st.text(max_size=8))
def test_normalising_twice_changes_nothing(code):
    once = Identity(birth_insee_code=code, birth_country_code=code, sex=code[:1]).normalised()
    assert once.normalised() == once


FULL_IDENTITY = NEW | {"usage_name": "Moreau-Vidal", "first_name_2": "Claire", "sex": "F",
                       "birth_insee_code": "2a004", "birth_commune": "Ajaccio",
                       "birth_country_code": "99100"}


def test_enrolment_records_the_whole_identity(as_user, world, db, audit_actions):
    w = world(candidates=0, jurors=0)
    response = as_user(w.centre_admin).post(f"/sessions/{w.session.id}/enrol",
                                            data=FULL_IDENTITY)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == NEW["email"]))
    candidate = db.session.scalar(select(Candidate).where(Candidate.user_id == user.id))
    assert Identity.of(candidate) == Identity(
        birth_name="Moreau", usage_name="Moreau-Vidal", first_name_1="Inès",
        first_name_2="Claire", birth_date=date(1990, 4, 2), sex="F",
        birth_insee_code="2A004", birth_commune="Ajaccio", birth_country_code="100")
    # The name the platform shows is the usage name.
    assert (user.first_name, user.last_name) == ("Inès", "Moreau-Vidal")


def test_a_wrong_code_is_shown_by_its_field_and_nothing_typed_is_lost(as_user, world, db):
    w = world(candidates=0, jurors=0)
    data = FULL_IDENTITY | {"birth_insee_code": "6912", "birth_country_code": "France"}
    response = as_user(w.centre_admin).post(f"/sessions/{w.session.id}/enrol", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Le code INSEE d&#39;une commune a 5 caractères" in page
    assert "Le code INSEE d&#39;un pays a 3 chiffres" in page
    for typed in ("Moreau-Vidal", "Claire", "Ajaccio", "6912", "France", NEW["email"]):
        assert f'value="{typed}"' in page
    assert db.session.scalar(select(User).where(User.email == NEW["email"])) is None


def test_correcting_an_identity_is_audited_with_old_and_new(app, world, db, audit_actions):
    from assess.audit.models import AuditEvent
    from assess.candidates.operations import IdentityRefused, update_candidate
    from tests.factories import candidate_of

    w = world(candidates=1, jurors=0)
    candidate = candidate_of(w.candidates[0])
    with app.test_request_context():
        with pytest.raises(IdentityRefused) as refused:
            update_candidate(w.centre_admin, candidate, Identity(birth_name="X", sex="Z"),
                             candidate.access_route)
        assert set(refused.value.problems) == {"sex"}
        update_candidate(w.centre_admin, candidate,
                         Identity(birth_name=candidate.birth_name, usage_name="Vidal",
                                  first_name_1="Anne", sex="F"), "vae")
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "candidate.updated")).one()
    assert event.new["usage_name"] == "Vidal" and event.old["usage_name"] is None
    assert "birth_name" not in event.new  # unchanged fields are not recorded
    assert (candidate.user.first_name, candidate.user.last_name) == ("Anne", "Vidal")
