"""Assigning jurors to a candidate's épreuves, removing them, inviting a new juror."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from assess.accounts.models import Role, User
from assess.core.columns import utcnow
from assess.grading.models import GradingSheet, SheetStatus
from assess.juries.models import Assignment
from assess.sessions.models import SessionStatus
from tests.factories import move_to


def _url(w, enrolment=None):
    e = enrolment or w.enrolments[0]
    return f"/sessions/{w.session.id}/enrolments/{e.id}/assign"


def _count(db, **filters):
    return db.session.scalar(select(func.count(Assignment.id)).filter_by(**filters))


@pytest.mark.parametrize("who", ["admin", "centre_admin"])
def test_assign_two_jurors_to_one_exam(as_user, world, db, audit_actions, who):
    w = world(candidates=1, jurors=2, assign_all=False)
    exam = w.session.exams[2]
    data = {f"exam-{exam.id}": [str(w.jurors[0].id), str(w.jurors[1].id)]}
    response = as_user(getattr(w, who)).post(_url(w), data=data)
    assert response.status_code == 302
    assert _count(db, exam_id=exam.id) == 2
    assert audit_actions("assignment.") == ["assignment.created"] * 2
    page = as_user(getattr(w, who)).get(_url(w)).get_data(as_text=True)
    assert w.jurors[0].full_name in page and w.jurors[1].full_name in page


def test_assigning_twice_returns_the_existing_assignment(world, db, audit_actions):
    from assess.juries.operations import assign_juror

    w = world(candidates=1, jurors=1, assign_all=False)
    exam = w.session.exams[0]
    first = assign_juror(w.admin, w.enrolments[0], exam, w.jurors[0])
    again = assign_juror(w.admin, w.enrolments[0], exam, w.jurors[0])
    assert first.id == again.id
    assert audit_actions("assignment.") == ["assignment.created"]


def test_repost_adds_nothing(as_user, world, db):
    w = world(candidates=1, jurors=1, assign_all=True)
    exam = w.session.exams[0]
    response = as_user(w.admin).post(_url(w), data={f"exam-{exam.id}": str(w.jurors[0].id)},
                                    follow_redirects=True)
    assert "déjà affectés : rien n&#39;a changé" in response.get_data(as_text=True)
    assert _count(db, exam_id=exam.id) == 1


def test_only_new_assignments_are_counted(as_user, world, db, audit_actions):
    w = world(candidates=1, jurors=2, assign_all=True)  # jurors[0] has every exam already
    exam = w.session.exams[0]
    # One known pair, one new pair, and the new juror picked twice by a forged form.
    data = {f"exam-{exam.id}": [str(w.jurors[0].id), str(w.jurors[1].id), str(w.jurors[1].id)]}
    response = as_user(w.admin).post(_url(w), data=data, follow_redirects=True)
    assert "1 affectation(s) ajoutée(s)." in response.get_data(as_text=True)
    assert _count(db, exam_id=exam.id) == 2
    assert audit_actions("assignment.") == ["assignment.created"]


def test_only_the_candidates_exams_are_offered(as_user, world, db, referential_version):
    from tests.factories import create_user, enrol

    w = world(candidates=0, jurors=1)
    b1 = referential_version.blocks[0]
    partial = enrol(w.session, create_user("candidate", centre=w.centre), blocks=[b1])
    db.session.commit()
    page = as_user(w.admin).get(_url(w, partial)).get_data(as_text=True)
    assert f'name="exam-{w.session.exams[0].id}"' in page
    assert f'name="exam-{w.session.exams[1].id}"' not in page
    as_user(w.admin).post(_url(w, partial),
                         data={f"exam-{w.session.exams[1].id}": str(w.jurors[0].id)})
    assert _count(db, enrolment_id=partial.id) == 0


def test_a_non_juror_cannot_be_assigned(as_user, world, db):
    w = world(candidates=1, jurors=0, assign_all=False)
    exam = w.session.exams[0]
    response = as_user(w.admin).post(_url(w), data={f"exam-{exam.id}": str(w.admin.id)})
    assert response.status_code == 200
    assert "Évaluateur inconnu" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_unassign_removes_and_audits(as_user, world, db, audit_actions):
    w = world(candidates=1, jurors=1)
    a = w.assignments[0]
    db.session.add(GradingSheet(assignment_id=a.id, status=SheetStatus.DRAFT))
    db.session.commit()
    url = f"{_url(w).rsplit('/', 1)[0]}/assignments/{a.id}/remove"
    assert as_user(w.centre_admin).post(url).status_code == 302
    assert db.session.get(Assignment, a.id) is None
    assert db.session.scalar(select(func.count(GradingSheet.id))) == 0
    assert audit_actions("assignment.") == ["assignment.removed"]


def test_unassign_refused_when_sheet_submitted(as_user, world, db, audit_actions):
    w = world(candidates=1, jurors=1)
    a = w.assignments[0]
    db.session.add(GradingSheet(assignment_id=a.id, status=SheetStatus.SUBMITTED,
                                submitted_at=utcnow()))
    db.session.commit()
    page = as_user(w.admin).get(_url(w)).get_data(as_text=True)
    assert "grille soumise : affectation conservée" in page
    url = f"{_url(w).rsplit('/', 1)[0]}/assignments/{a.id}/remove"
    response = as_user(w.admin).post(url, follow_redirects=True)
    assert "a déjà soumis sa grille" in response.get_data(as_text=True)
    assert db.session.get(Assignment, a.id) is not None
    assert audit_actions("assignment.") == []


def test_assignment_of_another_enrolment_is_404(as_user, world):
    w = world(candidates=2, jurors=1)
    other = next(a for a in w.assignments if a.enrolment_id == w.enrolments[1].id)
    url = f"{_url(w).rsplit('/', 1)[0]}/assignments/{other.id}/remove"
    assert as_user(w.admin).post(url).status_code == 404


def test_published_session_refuses_assignment(as_user, world, db):
    w = world(candidates=1, jurors=1, assign_all=False)
    move_to(w.session, SessionStatus.PUBLISHED)
    db.session.commit()
    exam = w.session.exams[0]
    response = as_user(w.admin).post(_url(w), data={f"exam-{exam.id}": str(w.jurors[0].id)})
    assert "Les résultats de la session sont publiés" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_invite_juror(as_user, world, db, mail_outbox, audit_actions):
    w = world(candidates=1, jurors=0)
    back = _url(w)
    data = {"first_name": "Paul", "last_name": "Girard", "email": "paul.girard@example.org",
            "organisation": "Agence Nord", "profession": "Responsable communication",
            "next": back}
    response = as_user(w.centre_admin).post("/sessions/jurors/new", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    juror = db.session.scalar(select(User).where(User.email == "paul.girard@example.org"))
    assert juror.role == Role.JUROR and juror.organisation == "Agence Nord"
    assert juror.profession == "Responsable communication"
    assert [m["To"] for m in mail_outbox] == ["paul.girard@example.org"]
    assert "account.invited" in audit_actions()
    page = as_user(w.centre_admin).get(back).get_data(as_text=True)
    assert "Girard Paul" in page


@pytest.mark.parametrize("target", ["https://evil.example/", "/\\evil.example",
                                    "/\tevil.example", "javascript:alert(1)"])
def test_invite_juror_never_redirects_off_site(as_user, world, db, target):
    w = world(candidates=0, jurors=0)
    client = as_user(w.admin)
    page = client.get("/sessions/jurors/new", query_string={"next": target})
    html = page.get_data(as_text=True)
    assert f'name="next" value="{escape(target)}"' not in html
    assert '<a href="/sessions/" class="secondary">' in html  # « Annuler » stays on the site
    data = {"first_name": "A", "last_name": "B", "email": "a.b@example.org", "next": target}
    response = client.post("/sessions/jurors/new", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/sessions/"


def test_invite_juror_refuses_open_redirect_and_duplicates(as_user, world, db):
    w = world(candidates=0, jurors=1)
    data = {"first_name": "A", "last_name": "B", "email": "a.b@example.org",
            "next": "//evil.example/"}
    response = as_user(w.admin).post("/sessions/jurors/new", data=data)
    assert response.headers["Location"].endswith("/sessions/")
    # The same address again: the same answer (nothing says an account exists), one account.
    response = as_user(w.admin).post("/sessions/jurors/new", data=data)
    assert response.status_code == 302
    from assess.accounts.models import User
    assert db.session.query(User).filter_by(email="a.b@example.org").count() == 1
