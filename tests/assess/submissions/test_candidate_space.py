"""GET /candidat/: the candidate's enrolments, convocations, what to produce, deposits."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest

from assess.core.columns import utcnow
from assess.referential.modality import parts_of
from tests.factories import create_session, create_user, enrol


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_shows_convocation_deliverables_and_form(world, as_user, client, db):
    w = world(candidates=1)
    exam = w.session.exams[0]
    part = exam.parts[0]
    part.starts_at = datetime(2030, 6, 3, 7, 0)  # UTC: 09:00 in Paris (summer time)
    part.duration_minutes = 210
    part.place = "Salle Gutenberg, 12 rue des Arts"
    part.submission_deadline = datetime(2030, 1, 15, 22, 59)  # 23:59 in Paris (winter)
    db.session.commit()
    as_user(w.candidates[0])

    response = client.get("/candidat/")

    page = page_of(response)
    assert response.status_code == 200
    assert w.session.name in page
    assert "Bloc 1 — Élaborer la stratégie communication et webmarketing" in page
    assert "Convocation" in page
    assert "3 juin 2030 à 09:00" in page
    assert "3 h 30" in page
    assert "Salle Gutenberg, 12 rue des Arts" in page
    assert "Date limite de dépôt : mardi 15 janvier 2030 à 23:59." in page
    # Each modality reads in the source's order: the lead, its list, then (bloc 3) the
    # oral; and each deliverable has its own form.
    for block in (e.block for e in w.session.exams):
        texts = [t for part in parts_of(block) for t in (part.description, *part.items)]
        positions = [page.index(t) for t in texts]
        assert positions == sorted(positions), block.number
    dossier_list_end = page.index(parts_of(w.session.exams[2].block)[0].items[-1])
    assert page.index("Le/la candidat(e) soutient oralement") > dossier_list_end
    # bloc 3: dossier, then oral, labelled as on the session and juror pages
    assert "Dossier écrit" in page and "Soutenance orale" in page
    assert '<th scope="row">Dossier</th>' in page
    assert '<th scope="row">Soutenance orale</th>' in page
    # Bloc 1 is sat at the centre in 2030: its hand-in opens then.
    assert "Le dépôt n'est pas encore ouvert : il ouvre au début de l'épreuve." in page
    assert f'action="/candidat/epreuves/{exam.id}/depot/audit"' not in page
    bloc2 = w.session.exams[1]
    for code in ("cahier_des_charges", "strategie_contenu", "contenu"):
        assert f'action="/candidat/epreuves/{bloc2.id}/depot/{code}"' in page
    assert f'action="/candidat/epreuves/{bloc2.id}/lien/url_cms"' in page
    assert "Support de présentation de la soutenance orale" in page
    assert "PDF, PowerPoint (PPTX), OpenDocument (ODP)" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrf_token"' in page
    assert "non déposé" in page
    assert "/static/js/upload.js" in page


def test_shows_current_submission(world, as_user, client, upload_file, pdf_bytes):
    w = world(candidates=1)
    stored = upload_file(w.candidates[0], w.enrolments[0], w.session.exams[1],
                         filename="cahier des charges.pdf")
    as_user(w.candidates[0])

    page = page_of(client.get("/candidat/"))

    assert "cahier des charges.pdf" in page  # the name as the candidate chose it
    assert stored.sha256 in page
    assert f"/candidat/depots/{stored.id}" in page
    assert f"/fichiers/{stored.id}" in page
    assert "Remplacer le fichier déposé" in page


def test_no_form_after_deadline(world, as_user, client, db):
    w = world(candidates=1)
    for exam in w.session.exams:
        for part in exam.parts:
            part.submission_deadline = utcnow() - timedelta(days=1)
    db.session.commit()
    as_user(w.candidates[0])

    page = page_of(client.get("/candidat/"))

    assert "/depot" not in page
    assert "La date limite de dépôt est passée" in page


def test_sees_only_own_enrolments_and_enrolled_blocs(world, as_user, client, db,
                                                     referential_version):
    w = world(candidates=2)
    other = world(candidates=1)
    partial = create_user("candidate", centre=w.centre)
    enrol(w.session, partial, blocks=[referential_version.blocks[1]])
    db.session.commit()

    as_user(w.candidates[0])
    page = page_of(client.get("/candidat/"))
    assert w.session.name in page
    assert other.session.name not in page

    as_user(partial)
    page = page_of(client.get("/candidat/"))
    assert "Bloc 2 —" in page
    assert "Bloc 1 —" not in page and "Bloc 3 —" not in page
    assert "Parcours partiel" in page


def test_candidate_without_enrolment(make_user, as_user, client):
    as_user(make_user("candidate"))
    page = page_of(client.get("/candidat/"))
    assert "Vous n'êtes inscrit(e) à aucune session" in page


@pytest.mark.parametrize("who", ["juror", "centre_admin", "certifier_admin"])
def test_other_roles_are_refused(world, as_user, client, who):
    w = world(candidates=1)
    as_user({"juror": w.jurors[0], "centre_admin": w.centre_admin,
             "certifier_admin": w.admin}[who])
    assert client.get("/candidat/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/candidat/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_nav_entry_for_candidates(world, as_user, client):
    w = world(candidates=1)
    as_user(w.candidates[0])
    page = page_of(client.get("/candidat/"))
    assert 'href="/candidat/" aria-current="page">Mes épreuves' in page


def test_query_count_does_not_grow(world, as_user, client, db, referential_version,
                                   upload_file, count_queries):
    w = world(candidates=1)
    small = create_user("candidate", centre=w.centre)
    small_enrolment = enrol(w.session, small, blocks=[referential_version.blocks[0]])
    big = create_user("candidate", centre=w.centre)
    big_enrolments = [enrol(create_session(referential_version, w.centre), big)
                      for _ in range(3)]
    db.session.commit()
    upload_file(small, small_enrolment, w.session.exams[0])
    for enrolment in big_enrolments:
        for exam in enrolment.session.exams:
            upload_file(big, enrolment, exam)
            upload_file(big, enrolment, exam, data=b"%PDF-1.5 second")

    def measure(user_id):
        from assess.accounts.models import User

        as_user(db.session.get(User, user_id))
        db.session.remove()  # a real request starts with an empty session
        with count_queries() as statements:
            response = client.get("/candidat/")
        assert response.status_code == 200
        return len(statements)

    small_id, big_id = small.id, big.id
    small_count, big_count = measure(small_id), measure(big_id)
    assert small_count == big_count
    assert small_count <= 12  # + the session's deliverable choices and extensions


def test_upload_script_is_served_locally(client):
    response = client.get("/static/js/upload.js")
    assert response.status_code == 200
    assert b"XMLHttpRequest" in response.data
    response.close()
