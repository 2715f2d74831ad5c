"""A candidate's record for the admins: what it shows (every hand-in version, submitted
sheets only, results, history), correcting the identity, and who may open it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.grading.models import SheetStatus
from assess.sessions.models import SessionStatus
from tests.conftest import MINIMAL_PDF
from tests.factories import candidate_of, move_to

IDENTITY = {"birth_name": "PÈRE", "usage_name": "", "first_name_1": "Léa", "first_name_2": "",
            "first_name_3": "", "birth_date": "1998-04-12", "sex": "F",
            "birth_insee_code": "69123", "birth_postal_code": "", "birth_commune": "Lyon",
            "birth_country_code": "100", "access_route": "vae"}


def url(w, index=0):
    return f"/sessions/{w.session.id}/candidats/{w.enrolments[index].id}"


def hand_in(as_user, w, post_upload, name, data=MINIMAL_PDF, index=0):
    exam = w.session.exams[2]
    as_user(w.candidates[index])
    assert post_upload(exam.id, data=data, filename=name).status_code == 302


def test_the_record_shows_every_version_submitted_sheets_only_and_the_history(
        db, world, as_user, post_upload, submit_sheet):
    w = world(candidates=1)
    hand_in(as_user, w, post_upload, "dossier-v1.pdf")
    hand_in(as_user, w, post_upload, "dossier-v2.pdf", data=MINIMAL_PDF + b"%v2\n")
    bloc1, _bloc2, bloc3 = w.assignments
    submit_sheet(bloc1, levels={"CR1.1": "acquis"})
    submit_sheet(bloc3, status=SheetStatus.DRAFT)
    page = as_user(w.centre_admin).get(url(w)).get_data(as_text=True)
    assert "dossier-v1.pdf" in page and "dossier-v2.pdf" in page
    assert page.index("dossier-v2.pdf") < page.index("dossier-v1.pdf")  # newest first
    assert "remplacé" in page and "en vigueur" in page
    assert "Observation." in page  # the submitted sheet's observations
    assert page.count("La grille se lit ici une fois soumise") == 2  # draft + not started
    assert "Dépôt d&#39;un fichier" in page or "Dépôt d'un fichier" in page
    assert "Les résultats n&#39;ont pas encore été calculés" in page or \
        "Les résultats n'ont pas encore été calculés" in page


def test_correcting_the_identity_is_audited_and_a_refusal_keeps_the_typing(db, world,
                                                                          as_user):
    w = world(candidates=1, jurors=0)
    client = as_user(w.centre_admin)
    bad = dict(IDENTITY, birth_insee_code="6912X", birth_commune="Villeurbanne")
    response = client.post(url(w), data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Villeurbanne"' in page and "5 caractères" in page
    assert candidate_of(w.candidates[0]).birth_commune is None

    response = client.post(url(w), data=IDENTITY)
    assert response.status_code == 302
    db.session.expire_all()
    candidate = candidate_of(w.candidates[0])
    assert (candidate.birth_insee_code, candidate.access_route) == ("69123", "vae")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "candidate.updated"))
    assert event.actor_id == w.centre_admin.id and event.new["birth_commune"] == "Lyon"
    assert "Identité corrigée" in client.get(url(w)).get_data(as_text=True)


def test_names_stay_required(db, world, as_user):
    w = world(candidates=1, jurors=0)
    response = as_user(w.centre_admin).post(url(w), data=dict(IDENTITY, birth_name=""))
    assert response.status_code == 422


def test_a_closed_session_shows_the_record_without_the_form(db, world, as_user):
    w = world(candidates=1, jurors=0)
    move_to(w.session, SessionStatus.CLOSED)
    db.session.commit()
    client = as_user(w.centre_admin)
    page = client.get(url(w)).get_data(as_text=True)
    assert "Corriger l&#39;identité" not in page and "Corriger l'identité" not in page
    assert client.post(url(w), data=IDENTITY).status_code == 403


def test_the_certifier_corrects_a_holders_identity_from_a_closed_session(db, world, as_user):
    """The CPF declaration of a holder is corrected after their session closed."""
    from tests.factories import create_user

    w = world(candidates=1, jurors=0)
    move_to(w.session, SessionStatus.CLOSED)
    db.session.commit()
    client = as_user(create_user("certifier_admin"))
    assert "identit" in client.get(url(w)).get_data(as_text=True)
    response = client.post(url(w), data=dict(IDENTITY, birth_commune="Villeurbanne"))
    assert response.status_code == 302
    db.session.expire_all()
    assert w.enrolments[0].candidate.birth_commune == "Villeurbanne"


@pytest.mark.parametrize(("who", "status"), [
    ("certifier_admin", 200), ("centre_admin", 200), ("other_centre_admin", 404),
    ("assigned_juror", 403), ("enrolled_candidate", 403)])
def test_who_may_open_a_record(db, world, as_user, who, status):
    from tests.factories import ACTORS

    w = world(candidates=1)
    response = as_user(ACTORS[who](w)).get(url(w))
    assert response.status_code == status
    if status != 200:
        assert w.candidates[0].email not in response.get_data(as_text=True)


def test_an_enrolment_of_another_session_is_not_found(db, world, as_user):
    w = world(candidates=1, jurors=0)
    other = world(candidates=1, jurors=0)
    response = as_user(w.admin).get(f"/sessions/{w.session.id}/candidats/"
                                    f"{other.enrolments[0].id}")
    assert response.status_code == 404


def test_statements_do_not_grow_with_files_sheets_and_events(db, world, as_user, post_upload,
                                                             submit_sheet, count_queries):
    w = world(candidates=2)
    hand_in(as_user, w, post_upload, "a.pdf")
    submit_sheet(w.assignments[0])
    client = as_user(w.centre_admin)
    with count_queries() as few:
        assert client.get(url(w, 0)).status_code == 200
    for n in range(4):
        hand_in(as_user, w, post_upload, f"v{n}.pdf", data=MINIMAL_PDF + f"%{n}\n".encode())
    for a in w.assignments[1:6]:  # the two other blocs, and the other candidate's
        submit_sheet(a)
    client = as_user(w.centre_admin)
    with count_queries() as many:
        page = client.get(url(w, 0))
    assert page.status_code == 200 and "v3.pdf" in page.get_data(as_text=True)
    assert len(many) == len(few)


def test_session_page_links_each_candidate_to_their_record(db, world, as_user):
    w = world(candidates=1, jurors=0)
    page = as_user(w.centre_admin).get(f"/sessions/{w.session.id}").get_data(as_text=True)
    assert url(w) in page


def test_absence_and_withdrawal_are_recorded_per_epreuve_and_audited(db, world, as_user):
    from assess.attendance.models import ExamAttendance

    w = world(candidates=1, jurors=0)
    client = as_user(w.centre_admin)
    exam = w.session.exams[0]
    base = f"{url(w)}/epreuves/{exam.id}/presence"
    p = f"exam{exam.id}-"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(base, data={p + "status": "absent", p + "on_date": tomorrow,
                                       p + "note": "malade"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "futur" in page and "malade" in page  # refused, the typing kept
    response = client.post(base, data={p + "status": "withdrawn",
                                       p + "on_date": "2026-11-30", p + "note": "a déménagé"})
    assert response.status_code == 302
    row = db.session.scalar(select(ExamAttendance))
    assert (row.status, str(row.on_date)) == ("withdrawn", "2026-11-30")
    page = client.get(url(w)).get_data(as_text=True)
    assert "désisté(e)" in page and "Absence ou désistement enregistré" in page
    assert client.post(base, data={p + "status": "present",
                                   p + "on_date": "2026-11-30"}).status_code == 302
    assert db.session.scalar(select(ExamAttendance)) is None
    actions = [a for (a,) in db.session.execute(select(AuditEvent.action).order_by(
        AuditEvent.id))]
    assert actions[-2:] == ["attendance.recorded", "attendance.cleared"]


def test_attendance_of_an_epreuve_not_sat_or_after_publication_is_refused(db, world, as_user,
                                                                           referential_version):
    from tests.factories import enrol

    w = world(candidates=0, jurors=0)
    from tests.factories import create_user

    user = create_user("candidate", centre=w.centre)
    enrolment = enrol(w.session, user, blocks=[referential_version.blocks[0]])
    db.session.commit()
    client = as_user(w.centre_admin)
    exam3 = w.session.exams[2]
    p = f"exam{exam3.id}-"
    response = client.post(f"/sessions/{w.session.id}/candidats/{enrolment.id}/epreuves/"
                           f"{exam3.id}/presence", data={p + "status": "absent",
                                                         p + "on_date": "2026-11-30"})
    assert response.status_code == 422 and "pas inscrit à cette épreuve" in \
        response.get_data(as_text=True)
    move_to(w.session, SessionStatus.PUBLISHED)
    db.session.commit()
    exam1 = w.session.exams[0]
    p = f"exam{exam1.id}-"
    response = client.post(f"/sessions/{w.session.id}/candidats/{enrolment.id}/epreuves/"
                           f"{exam1.id}/presence", data={p + "status": "absent",
                                                         p + "on_date": "2026-11-30"})
    assert response.status_code == 422


def test_a_submitted_sheet_offers_its_reopening_while_grading_or_deliberating(db, world,
                                                                             as_user,
                                                                             submit_sheet):
    w = world(candidates=1, status=SessionStatus.GRADING)
    sheet = submit_sheet(w.assignments[0], levels={"CR1.1": "acquis"})
    reopen = f"/sessions/{w.session.id}/grilles/{sheet.id}/rouvrir"
    assert reopen in as_user(w.centre_admin).get(url(w)).get_data(as_text=True)
    move_to(w.session, SessionStatus.PUBLISHED)
    db.session.commit()
    assert reopen not in as_user(w.centre_admin).get(url(w)).get_data(as_text=True)
