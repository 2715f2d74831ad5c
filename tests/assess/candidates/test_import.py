"""Importing candidates into a session through the pages: preview (nothing written),
confirm (all rows or only the valid ones), the worker's run, idempotency, updates, and
who may see what."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from assess.accounts.models import Role, User
from assess.audit.models import AuditEvent
from assess.candidates.models import (
    AccessRoute,
    Candidate,
    CandidateImport,
    Enrolment,
    ImportStatus,
)
from assess.jobs.models import Job, JobStatus
from assess.sessions.models import SessionStatus
from tests.factories import create_user, move_to

HEADER = ("email;nom_naissance;nom_usage;prenom1;date_naissance;sexe;code_insee_naissance;"
          "voie_acces;blocs;amenagement")
GOOD = [
    "lea.pere@exemple.fr;PÈRE;;Léa;12/04/1998;F;69123;vae;;",
    "paul.roux@exemple.fr;ROUX;;Paul;03/11/1995;M;2A004;formation_continue;1,3;tiers-temps",
    "zoe.nguyen@exemple.fr;NGUYEN;;Zoé;;;;;2;",
]
BAD = [
    "pas-une-adresse;MARTIN;;Jean;;;;;;",
    "lea.pere@exemple.fr;DOUBLON;;Léa;;;;;;",
]


def csv_file(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def counts(db):
    db.session.expire_all()
    return (db.session.scalar(select(func.count(User.id)).where(User.role == Role.CANDIDATE)),
            db.session.scalar(select(func.count(Candidate.id))),
            db.session.scalar(select(func.count(Enrolment.id))))


def upload(client, session_id, data: bytes, filename="candidats.csv"):
    return client.post(f"/sessions/{session_id}/import",
                       data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def preview_of(db, response) -> CandidateImport:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    import_id = int(re.search(r"/import/(\d+)$", response.headers["Location"]).group(1))
    db.session.expire_all()
    return db.session.get(CandidateImport, import_id)


def confirm(client, imported, mode):
    return client.post(f"/sessions/{imported.session_id}/import/{imported.id}/confirmer",
                       data={"mode": mode})


@pytest.fixture
def admin_client(world, as_user):
    w = world(candidates=0, jurors=0, status=SessionStatus.ENROLMENT)
    return w, as_user(w.centre_admin)


def test_preview_writes_nothing_and_says_what_each_row_becomes(db, admin_client):
    w, client = admin_client
    before = counts(db)
    imported = preview_of(db, upload(client, w.session.id, csv_file(GOOD + BAD)))
    assert counts(db) == before
    assert imported.status == ImportStatus.PREVIEWED
    assert imported.preview["counts"] == {"created": 3, "updated": 0, "unchanged": 0,
                                          "refused": 2}
    page = client.get(f"/sessions/{w.session.id}/import/{imported.id}").get_data(as_text=True)
    assert "pas-une-adresse" in page and "ligne 2" in page  # the duplicate names the first
    assert "à compléter pour la déclaration CPF" in page  # Zoé has no birth date
    assert re.search(r'value="all"\s+disabled', page)


def test_all_rows_is_refused_while_some_rows_are_invalid(db, admin_client):
    w, client = admin_client
    imported = preview_of(db, upload(client, w.session.id, csv_file(GOOD + BAD)))
    before = counts(db)
    response = confirm(client, imported, "all")
    assert response.status_code == 302
    assert counts(db) == before
    db.session.refresh(imported)
    assert imported.status == ImportStatus.PREVIEWED
    assert "lignes valides" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_valid_rows_only_then_the_same_file_again_changes_nothing(db, admin_client,
                                                                   mail_outbox, audit_actions):
    w, client = admin_client
    imported = preview_of(db, upload(client, w.session.id, csv_file(GOOD + BAD)))
    assert confirm(client, imported, "valid").status_code == 302
    db.session.expire_all()
    assert imported.status == ImportStatus.DONE
    assert imported.result == {"created": 3, "updated": 0, "unchanged": 0, "refused": 2}
    job = db.session.get(Job, imported.job_id)
    assert job.status == JobStatus.DONE and job.done == job.total == 5
    assert counts(db)[1:] == (3, 3)
    paul = db.session.scalar(select(Candidate).join(User).where(
        User.email == "paul.roux@exemple.fr"))
    assert paul.birth_insee_code == "2A004" and paul.access_route == AccessRoute.CONTINUING
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.candidate_id == paul.id))
    assert [b.number for b in enrolment.blocks] == [1, 3] and not enrolment.full_title
    assert enrolment.accommodation_request == "tiers-temps"
    assert sorted(m["To"] for m in mail_outbox) == sorted(
        ["lea.pere@exemple.fr", "paul.roux@exemple.fr", "zoe.nguyen@exemple.fr"])
    events = len(audit_actions())

    again = preview_of(db, upload(client, w.session.id, csv_file(GOOD + BAD)))
    assert again.preview["counts"] == {"created": 0, "updated": 0, "unchanged": 3,
                                       "refused": 2}
    response = confirm(client, again, "valid")
    assert "Rien à importer" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert counts(db)[1:] == (3, 3) and len(mail_outbox) == 3
    assert [a for a in audit_actions()[events:] if not a.startswith("import.")] == []


def test_a_changed_row_updates_identity_and_blocs_and_an_empty_cell_erases_nothing(
        db, admin_client):
    w, client = admin_client
    preview = preview_of(db, upload(client, w.session.id, csv_file(GOOD)))
    confirm(client, preview, "all")
    changed = [
        "lea.pere@exemple.fr;PÈRE;DURAND;Léa;;;;;;",  # usage name added, the rest left empty
        "paul.roux@exemple.fr;ROUX;;Paul;03/11/1995;M;2A004;formation_continue;;tiers-temps",
    ]
    again = preview_of(db, upload(client, w.session.id, csv_file(changed)))
    assert again.preview["counts"]["updated"] == 2
    confirm(client, again, "all")
    db.session.expire_all()
    lea = db.session.scalar(select(Candidate).join(User).where(
        User.email == "lea.pere@exemple.fr"))
    assert lea.usage_name == "DURAND" and str(lea.birth_date) == "1998-04-12"
    assert lea.access_route == AccessRoute.VAE and lea.user.last_name == "DURAND"
    paul = db.session.scalar(select(Enrolment).join(Candidate).join(User).where(
        User.email == "paul.roux@exemple.fr"))
    assert [b.number for b in paul.blocks] == [1, 2, 3] and paul.full_title
    updates = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["candidate.updated", "enrolment.updated"]))).all()
    assert {(e.action, tuple(sorted(e.new))) for e in updates} == {
        ("candidate.updated", ("usage_name",)), ("enrolment.updated", ("blocks",))}


def test_an_address_of_another_role_is_refused_without_saying_whose(db, admin_client):
    w, client = admin_client
    create_user("juror", email="jury@exemple.fr")
    db.session.commit()
    imported = preview_of(db, upload(client, w.session.id,
                                     csv_file(["jury@exemple.fr;A;;B;;;;;;"])))
    assert imported.preview["counts"]["refused"] == 1
    (row,) = imported.preview["rows"]
    assert "ne peut pas servir à inscrire un candidat" in row["errors"][0][1]


@pytest.mark.parametrize(("data", "filename", "words"), [
    (b"", "vide.csv", "vide"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)) * 8,
     "liste.csv", "ni un CSV ni un classeur"),
    (b"nom;prenom\nDupont;Jean\n", "liste.csv", "email"),
])
def test_a_refused_file_keeps_the_form_and_leaves_nothing(db, admin_client, storage_files,
                                                          data, filename, words):
    w, client = admin_client
    response = upload(client, w.session.id, data, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert words in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(func.count(CandidateImport.id))) == 0
    assert storage_files() == []


def test_cancel_then_confirm_is_refused(db, admin_client):
    w, client = admin_client
    imported = preview_of(db, upload(client, w.session.id, csv_file(GOOD)))
    client.post(f"/sessions/{w.session.id}/import/{imported.id}/annuler")
    confirm(client, imported, "all")
    db.session.expire_all()
    assert imported.status == ImportStatus.CANCELLED and counts(db)[1] == 0


def test_a_session_that_no_longer_takes_enrolments_refuses_the_import(db, admin_client):
    w, client = admin_client
    move_to(w.session, SessionStatus.GRADING)
    db.session.commit()
    page = client.get(f"/sessions/{w.session.id}/import").get_data(as_text=True)
    assert "ne prend plus d'inscriptions" in page and 'type="file"' not in page
    response = upload(client, w.session.id, csv_file(GOOD))
    assert response.status_code == 422 and counts(db)[1] == 0


def test_the_templates_download(admin_client):
    w, client = admin_client
    response = client.get(f"/sessions/{w.session.id}/import/modele.xlsx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    response = client.get(f"/sessions/{w.session.id}/import/modele.csv")
    assert response.data.startswith("\ufeffemail;".encode())


def test_another_centre_cannot_reach_an_import(db, admin_client, as_user):
    w, client = admin_client
    imported = preview_of(db, upload(client, w.session.id, csv_file(GOOD)))
    other = as_user(w.other_centre_admin)
    base = f"/sessions/{w.session.id}/import"
    for url in (base, f"{base}/{imported.id}", f"{base}/modele.csv"):
        response = other.get(url)
        assert response.status_code == 404
        assert "lea.pere" not in response.get_data(as_text=True)
    for url in (f"{base}/{imported.id}/confirmer", f"{base}/{imported.id}/annuler"):
        assert other.post(url, data={"mode": "all"}).status_code == 404
    assert upload(other, w.session.id, csv_file(GOOD)).status_code == 404
    assert as_user(w.admin).get(f"{base}/{imported.id}").status_code == 200
    db.session.expire_all()
    assert imported.status == ImportStatus.PREVIEWED


def test_an_import_id_of_another_session_is_not_found(db, admin_client, world):
    w, client = admin_client
    imported = preview_of(db, upload(client, w.session.id, csv_file(GOOD)))
    from tests.factories import create_session

    other_session = create_session(w.session.referential_version, w.centre,
                                   status=SessionStatus.ENROLMENT)
    db.session.commit()
    assert client.get(f"/sessions/{other_session.id}/import/{imported.id}").status_code == 404


@pytest.mark.parametrize("role", ["juror", "candidate"])
def test_other_roles_are_forbidden(db, admin_client, as_user, role):
    w, _client = admin_client
    user = create_user(role, centre=w.centre if role == "candidate" else None)
    db.session.commit()
    assert as_user(user).get(f"/sessions/{w.session.id}/import").status_code == 403


def test_a_worker_that_dies_mid_import_is_resumed_without_doing_anything_twice(
        db, app, admin_client, monkeypatch, mail_outbox):
    from assess.candidates import importing, imports
    from assess.candidates.tasks import import_candidates

    w, client = admin_client
    imported = preview_of(db, upload(client, w.session.id, csv_file(GOOD + [
        "a.b@exemple.fr;B;;A;;;;;;", "c.d@exemple.fr;D;;C;;;;;;"])))
    monkeypatch.setattr(imports, "BATCH", 2)
    real, calls = importing.apply_rows, []

    def dies_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "apply_rows", dies_on_the_second_batch)
    imported.status, imported.valid_only = ImportStatus.CONFIRMED, False
    imported.confirmed_by_id = w.centre_admin.id
    db.session.commit()
    with app.test_request_context(), pytest.raises(RuntimeError):
        import_candidates({"import_id": imported.id})
    db.session.expire_all()
    assert imported.rows_done == 2 and counts(db)[1] == 2  # the first batch is kept

    monkeypatch.setattr(imports, "apply_rows", real)
    with app.test_request_context():
        import_candidates({"import_id": imported.id})  # the sweep delivers it again
        import_candidates({"import_id": imported.id})  # and once more: a no-op
    db.session.expire_all()
    assert imported.status == ImportStatus.DONE and imported.rows_done == 5
    assert imported.result == {"created": 5, "updated": 0, "unchanged": 0, "refused": 0}
    assert counts(db)[1:] == (5, 5)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "candidate.created")) == 5
