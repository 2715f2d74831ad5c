"""Defect: the assignment page listed every juror of every centre, and inviting a known
address answered « Un compte existe déjà ». A centre now sees its own pool (jurors invited
for it) and those the certifier opened to all centres; nothing says whether an address
already had an account."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from assess.accounts.models import User
from assess.juries.models import Assignment
from tests.factories import create_user

INVITE = {"first_name": "Jeanne", "last_name": "Arnaud", "email": "jeanne.arnaud@agence.fr",
          "organisation": "Agence Hexa", "profession": "Community manager"}


@pytest.fixture
def w(world):
    return world(candidates=1, jurors=1)


def _assign_page(as_user, admin, w) -> str:
    url = f"/sessions/{w.session.id}/enrolments/{w.enrolments[0].id}/assign"
    return as_user(admin).get(url).get_data(as_text=True)


def _other_session_world(db, w):
    """The other centre's session, enrolment and admin."""
    from tests.factories import create_session, enrol

    session = create_session(w.session.referential_version, w.other_centre)
    candidate = create_user("candidate", centre=w.other_centre)
    enrolment = enrol(session, candidate)
    db.session.commit()
    return session, enrolment


def test_a_centre_sees_its_own_pool_only(as_user, w, db):
    create_user("juror", last_name="Dujardin-Ailleurs")
    db.session.commit()
    page = _assign_page(as_user, w.centre_admin, w)
    assert w.jurors[0].last_name in page  # invited for this centre
    assert "Dujardin-Ailleurs" not in page  # the certifier's pool is not shown


def test_a_juror_invited_by_a_centre_joins_that_centres_pool_only(as_user, w, db, client):
    assert as_user(w.centre_admin).post("/sessions/jurors/new", data=INVITE).status_code == 302
    assert "Arnaud" in _assign_page(as_user, w.centre_admin, w)
    session, enrolment = _other_session_world(db, w)
    page = as_user(w.other_centre_admin).get(
        f"/sessions/{session.id}/enrolments/{enrolment.id}/assign").get_data(as_text=True)
    assert "Arnaud" not in page


def test_the_certifier_may_open_a_juror_to_every_centre(as_user, w, db):
    assert as_user(w.admin).post("/sessions/jurors/new",
                                 data=INVITE | {"open_to_all_centres": "y"}).status_code == 302
    session, enrolment = _other_session_world(db, w)
    page = as_user(w.other_centre_admin).get(
        f"/sessions/{session.id}/enrolments/{enrolment.id}/assign").get_data(as_text=True)
    assert "Arnaud" in page and "Arnaud" in _assign_page(as_user, w.centre_admin, w)


def test_a_juror_outside_the_pool_cannot_be_assigned_by_a_crafted_post(as_user, w, db):
    outsider = create_user("juror")
    db.session.commit()
    exam = w.session.exams[0]
    response = as_user(w.centre_admin).post(
        f"/sessions/{w.session.id}/enrolments/{w.enrolments[0].id}/assign",
        data={f"exam-{exam.id}": str(outsider.id)})
    assert db.session.scalar(select(func.count(Assignment.id))
                             .where(Assignment.juror_id == outsider.id)) == 0
    assert response.status_code == 200


def test_inviting_a_known_juror_answers_as_for_a_new_one(as_user, w, db, mail_outbox):
    known = create_user("juror", email=INVITE["email"], first_name="J.", last_name="Arnaud")
    db.session.commit()
    response = as_user(w.centre_admin).post("/sessions/jurors/new", data=INVITE,
                                            follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    assert "Invitation envoyée à jeanne.arnaud@agence.fr" in page and "existe" not in page
    assert db.session.scalar(select(func.count(User.id))
                             .where(User.email == INVITE["email"])) == 1
    assert "Arnaud" in _assign_page(as_user, w.centre_admin, w)  # now in this pool
    assert [m["To"] for m in mail_outbox] == [known.email]  # told, not re-invited


def test_an_address_that_cannot_be_a_juror_is_refused_without_saying_why(as_user, w, db):
    create_user("candidate", centre=w.other_centre, email=INVITE["email"])
    db.session.commit()
    response = as_user(w.centre_admin).post("/sessions/jurors/new", data=INVITE)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "ne peut pas servir à inviter un membre du jury" in page and "existe" not in page
