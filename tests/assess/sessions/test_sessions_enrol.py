"""Enrolling candidates: an existing one of the centre, or a new one (invited by e-mail)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.accounts.models import Role, User
from assess.candidates.models import AccessRoute, Candidate, Enrolment
from assess.sessions.models import SessionStatus
from tests.factories import candidate_of, create_user, move_to

NEW = {"who": "new", "first_name_1": "Inès", "birth_name": "Moreau",
       "email": "ines.moreau@example.org", "access_route": "vae", "birth_date": "1990-04-02",
       "scope": "full"}


def _enrolments(db, session):
    return db.session.scalars(select(Enrolment).where(Enrolment.session_id == session.id)).all()


@pytest.mark.parametrize("who", ["admin", "centre_admin"])
def test_enrol_new_candidate_invites_them(as_user, world, db, mail_outbox, audit_actions, who):
    w = world(candidates=0, jurors=0)
    response = as_user(getattr(w, who)).post(f"/sessions/{w.session.id}/enrol", data=NEW)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "ines.moreau@example.org"))
    assert user.role == Role.CANDIDATE and user.centre_id == w.centre.id
    assert user.password_hash is None
    candidate = db.session.scalar(select(Candidate).where(Candidate.user_id == user.id))
    assert candidate.access_route == AccessRoute.VAE
    assert str(candidate.birth_date) == "1990-04-02"
    [enrolment] = _enrolments(db, w.session)
    assert enrolment.candidate_id == candidate.id and enrolment.full_title
    assert [b.number for b in enrolment.blocks] == [1, 2, 3]
    assert response.headers["Location"].endswith(
        f"/sessions/{w.session.id}/enrolments/{enrolment.id}/assign")
    assert [m["To"] for m in mail_outbox] == ["ines.moreau@example.org"]
    assert {"account.invited", "candidate.created", "enrolment.created"} <= set(audit_actions())


def test_enrol_existing_candidate_for_some_blocks(as_user, world, db, referential_version):
    w = world(candidates=0, jurors=0)
    user = create_user("candidate", centre=w.centre)
    db.session.commit()
    candidate = candidate_of(user)
    b1, _, b3 = referential_version.blocks
    data = {"who": "existing", "candidate_id": str(candidate.id), "scope": "partial",
            "blocks": [str(b1.id), str(b3.id)]}
    assert as_user(w.centre_admin).post(f"/sessions/{w.session.id}/enrol",
                                       data=data).status_code == 302
    [enrolment] = _enrolments(db, w.session)
    assert not enrolment.full_title
    assert [b.number for b in enrolment.blocks] == [1, 3]


def test_duplicate_enrolment_is_refused(as_user, world, db, audit_actions):
    w = world(candidates=1, jurors=0)
    candidate = candidate_of(w.candidates[0])
    data = {"who": "existing", "candidate_id": str(candidate.id), "scope": "full"}
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/enrol", data=data)
    assert response.status_code == 200
    assert "est déjà inscrit(e) à cette session" in response.get_data(as_text=True)
    assert len(_enrolments(db, w.session)) == 1
    assert "enrolment.created" not in audit_actions()


def test_enrolled_candidates_are_disabled_in_the_list(as_user, world, db):
    w = world(candidates=1, jurors=0)
    page = as_user(w.admin).get(f"/sessions/{w.session.id}/enrol").get_data(as_text=True)
    assert "Aucun candidat du centre n'est disponible" in page
    free = create_user("candidate", centre=w.centre, last_name="Libre")
    db.session.commit()
    page = as_user(w.admin).get(f"/sessions/{w.session.id}/enrol").get_data(as_text=True)
    assert "déjà inscrit(e)" in page and "disabled" in page and free.email in page


def test_a_known_candidates_address_enrols_that_candidate(as_user, world, db, mail_outbox):
    w = world(candidates=0, jurors=0)
    known = create_user("candidate", centre=w.centre, email="deja@example.org")
    db.session.commit()
    data = NEW | {"email": "Deja@example.org"}
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/enrol", data=data)
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.candidate.user_id == known.id  # no second account, no invitation
    assert db.session.scalar(select(User).where(User.first_name == "Inès")) is None
    assert mail_outbox == []


def test_a_candidate_of_another_centre_is_linked_and_nothing_of_theirs_shown(
        as_user, world, db, mail_outbox):
    """Defect: « Un compte existe déjà avec l'adresse … » told a centre that the address
    had an account elsewhere. Now the person is enrolled here (one may sit at two centres),
    and this centre sees nothing of the other's."""
    w = world(candidates=0, jurors=0)
    elsewhere = create_user("candidate", centre=w.other_centre, email="ailleurs@example.org")
    other = candidate_of(elsewhere)
    other.access_route = AccessRoute.INITIAL_APPRENTICESHIP
    w.other_centre.name = "Institut Concurrent de Brest"
    db.session.commit()
    data = NEW | {"email": "ailleurs@example.org"}
    response = as_user(w.centre_admin).post(f"/sessions/{w.session.id}/enrol", data=data)
    assert response.status_code == 302
    here = db.session.scalar(select(Candidate).where(Candidate.centre_id == w.centre.id))
    assert here.user_id == elsewhere.id and here.id != other.id
    assert here.access_route == AccessRoute(NEW["access_route"])  # this centre's own row
    page = as_user(w.centre_admin).get(f"/sessions/{w.session.id}").get_data(as_text=True)
    assert "Institut Concurrent" not in page and "apprentissage" not in page
    assert mail_outbox == []


@pytest.mark.parametrize("role", ["juror", "centre_admin"])
def test_an_address_that_cannot_be_a_candidate_is_refused_alike(as_user, world, db, role):
    w = world(candidates=0, jurors=0)
    staff = create_user(role, email="staff@example.org",
                        **({"centre": w.other_centre} if role == "centre_admin" else {}))
    db.session.commit()
    response = as_user(w.centre_admin).post(f"/sessions/{w.session.id}/enrol",
                                            data=NEW | {"email": staff.email})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ne peut pas servir à inscrire un candidat" in page
    assert "existe" not in page
    assert 'value="Inès"' in page and 'value="Moreau"' in page


def test_new_candidate_needs_name_and_valid_email(as_user, world, db):
    w = world(candidates=0, jurors=0)
    data = NEW | {"birth_name": "", "email": "pas-une-adresse"}
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/enrol", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ce champ est obligatoire pour un nouveau candidat" in page
    assert "Adresse e-mail invalide" in page
    assert _enrolments(db, w.session) == []


def test_partial_route_needs_a_block(as_user, world, db):
    w = world(candidates=0, jurors=0)
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/enrol",
                                    data=NEW | {"scope": "partial"})
    assert "Cochez au moins un bloc" in response.get_data(as_text=True)
    assert _enrolments(db, w.session) == []


def test_candidate_of_another_centre_is_refused(as_user, world, db):
    w = world(candidates=0, jurors=0)
    stranger = create_user("candidate", centre=w.other_centre)
    db.session.commit()
    data = {"who": "existing", "candidate_id": str(candidate_of(stranger).id), "scope": "full"}
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/enrol", data=data)
    assert response.status_code == 200
    assert _enrolments(db, w.session) == []


def test_published_session_refuses_enrolment(as_user, world, db, mail_outbox):
    w = world(candidates=0, jurors=0)
    move_to(w.session, SessionStatus.PUBLISHED)
    db.session.commit()
    response = as_user(w.admin).post(f"/sessions/{w.session.id}/enrol", data=NEW)
    assert "Les résultats de la session sont publiés" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.first_name == "Inès")) is None
    assert mail_outbox == []


def test_enrol_operation_refuses_duplicate(world, db):
    from assess.candidates.operations import EnrolmentError, enrol_candidate

    w = world(candidates=1, jurors=0)
    with pytest.raises(EnrolmentError, match="déjà inscrit"):
        enrol_candidate(w.admin, w.session, candidate_of(w.candidates[0]),
                        list(w.session.referential_version.blocks))
