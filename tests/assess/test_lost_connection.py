"""Defect: a web request whose PostgreSQL backend was terminated mid-transaction answered
500 (often waitress's bare page) and the juror's typing was gone. Now the whole request is
run once more on a new connection; if the database is still gone, a 503 page in French
gives the typing back. The backend is terminated during a grading save, an upload, an
enrolment, a publication and a login, 5 times each: no 500, no partial write."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres
TIMES = 5


@pytest.fixture
def app_config(postgres_url):
    return {"SQLALCHEMY_DATABASE_URI": postgres_url}


@pytest.fixture
def terminate(db, monkeypatch):
    """terminate(module, times=1): the next ``times`` audit records the module writes first
    terminate the request's own PostgreSQL backend (from another connection), mid-transaction."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    kills = []

    def arm(module, times: int = 1):
        real = module.record

        def record(*args, **kwargs):
            if len(kills) < times:
                pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
                with admin.connect() as conn:
                    conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                kills.append(pid)
            return real(*args, **kwargs)

        kills.clear()
        monkeypatch.setattr(module, "record", record)
        return kills

    yield arm
    admin.dispose()


def _count(db, model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_grading_save_survives_its_backend_being_terminated(db, world, as_user, client,
                                                              terminate):
    from assess.audit.models import AuditEvent
    from assess.grading import operations
    from tests.assess.grading.grading_helpers import form_data, sheet_url

    w = world(candidates=1, jurors=1)
    a = w.assignments[0]
    for i in range(TIMES):
        kills = terminate(operations)
        as_user(w.jurors[0])
        version = 0 if i == 0 else db.session.scalar(
            sa.text("SELECT version FROM grading_sheets"))
        text = f"Observation numéro {i}, écrite le soir."
        response = client.post(sheet_url(a), data=form_data(
            a, observations={"CR1.1": text}, version=version))
        assert kills and response.status_code == 302
        assert text in client.get(sheet_url(a)).get_data(as_text=True)
    # Each save written once: one « grade.changed » per save, none half-way.
    assert _count(db, AuditEvent, AuditEvent.action == "grade.changed") == TIMES


def test_an_upload_survives_its_backend_being_terminated(db, world, as_user, client,
                                                         terminate, storage_files):
    from assess.submissions import operations
    from assess.submissions.models import StoredFile

    w = world(candidates=1)
    exam = w.session.exams[2]
    for i in range(TIMES):
        kills = terminate(operations)
        as_user(w.candidates[0])
        response = client.post(f"/candidat/epreuves/{exam.id}/depot", data={
            "file": (io.BytesIO(b"%%PDF-1 version %d" % i), "dossier.pdf")},
            content_type="multipart/form-data")
        assert kills and response.status_code == 302
    assert _count(db, StoredFile) == TIMES
    assert _count(db, StoredFile, StoredFile.superseded_at.is_(None)) == 1
    assert len(storage_files()) == TIMES  # every blob of a row, no leftover


def test_an_enrolment_survives_its_backend_being_terminated(db, world, as_user, client,
                                                            terminate):
    from assess.candidates import operations
    from assess.candidates.models import Enrolment

    w = world(candidates=0, jurors=0)
    for i in range(TIMES):
        kills = terminate(operations)
        as_user(w.centre_admin)
        response = client.post(f"/sessions/{w.session.id}/enrol", data={
            "who": "new", "first_name_1": "Nina", "birth_name": f"Roux{i}",
            "email": f"nina.roux{i}@example.org", "access_route": "vae", "scope": "full"})
        assert kills and response.status_code == 302
    assert _count(db, Enrolment) == TIMES


def test_a_publication_survives_its_backend_being_terminated(db, world, grade_all, as_user,
                                                             client, terminate):
    from assess.results import operations
    from assess.results.models import TitleResult
    from tests.factories import jury_deliberates

    for _ in range(TIMES):
        w = world(candidates=1, status="deliberation")
        grade_all(w)
        as_user(w.centre_admin)
        assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
        jury_deliberates(w)
        kills = terminate(operations)
        response = client.post(f"/sessions/{w.session.id}/resultats/publier",
                               data={"confirmed": "1"})
        assert kills and response.status_code == 302
    assert _count(db, TitleResult, TitleResult.published_at.is_not(None)) == TIMES


def test_a_login_survives_its_backend_being_terminated(db, make_user, client, terminate):
    from assess.accounts import operations
    from assess.accounts.models import LoginSession
    from tests.factories import DEFAULT_PASSWORD

    user = make_user("juror")
    for _ in range(TIMES):
        kills = terminate(operations)
        response = client.post("/login", data={"email": user.email,
                                               "password": DEFAULT_PASSWORD})
        assert kills and response.status_code == 302
        client.post("/logout")
    assert _count(db, LoginSession) == TIMES  # one session per login, none half-made


def test_a_database_still_gone_gives_a_french_503_with_the_typing(db, world, as_user, client,
                                                                  terminate):
    from assess.grading import operations
    from assess.grading.models import GradingSheet
    from tests.assess.grading.grading_helpers import form_data, sheet_url

    w = world(candidates=1, jurors=1)
    a = w.assignments[0]
    as_user(w.jurors[0])
    terminate(operations, times=2)  # the retry loses its connection too
    response = client.post(sheet_url(a), data=form_data(
        a, observations={"CR1.1": "Texte à ne pas perdre"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Service momentanément indisponible" in page and "Texte à ne pas perdre" in page
    assert "Content-Security-Policy" in response.headers
    assert _count(db, GradingSheet) == 0
