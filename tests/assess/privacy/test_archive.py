"""The right of access: one zip of everything held about a candidate, streamed, for them
or for an admin acting on their behalf; never anything of another candidate."""

from __future__ import annotations

import io
import json
import types
import zipfile
from collections.abc import Iterator

from sqlalchemy import select

from assess.accommodations.models import Accommodation
from assess.audit.models import AuditEvent
from assess.storage import get_storage
from tests.factories import candidate_of, create_centre

OTHER_BYTES = b"%PDF-1.4 la copie de quelqu'un d'autre"


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None  # every entry's CRC checks
    return archive


def _texts(archive) -> dict[str, str]:
    return {n: archive.read(n).decode() for n in archive.namelist()
            if n.endswith((".json", ".txt"))}


def _setup(db, published, hand_in):
    d = published()
    w = d.w
    mine = hand_in(w.enrolments[0], w.session.exams[0], b"%PDF-1.4 ma copie", "Mémoire final.pdf")
    theirs = hand_in(w.enrolments[1], w.session.exams[0], OTHER_BYTES, "autre.pdf")
    blob = get_storage().save_stream(io.BytesIO(b"%PDF-1.4 certificat medical"), max_bytes=999)
    db.session.add(Accommodation(enrolment_id=w.enrolments[0].id, extra_time_percent=20,
                                 document_key=blob.key, document_sha256=blob.sha256,
                                 document_name="certificat.pdf", document_size=blob.size))
    db.session.commit()
    return w, mine, theirs


def test_the_candidate_downloads_everything_about_them_and_nothing_of_others(
        db, published, hand_in, client, as_user):
    w, mine, theirs = _setup(db, published, hand_in)
    me, other = w.candidates
    as_user(me)
    page = client.get("/mes-donnees")
    assert page.status_code == 200 and "/mes-donnees/archive.zip" in page.get_data(as_text=True)

    archive = _zip(client.get("/mes-donnees/archive.zip"))
    names = archive.namelist()
    folder = f"{w.session.id}-{w.session.name}"
    for expected in ("LISEZMOI.txt", "donnees-personnelles/donnees.json",
                     "donnees-personnelles/donnees.pdf", "journal/evenements.json",
                     f"grilles-evaluation/{folder}.json", f"decisions/{folder}.json",
                     f"proces-verbaux/{folder}-pv-0.json", f"proces-verbaux/{folder}-pv-0.pdf",
                     f"depots/{folder}/bloc-1/{mine.id}-Mémoire final.pdf",
                     f"depots/{folder}/bloc-1/accuse-de-depot-{mine.id}.pdf",
                     f"amenagements/{folder}/amenagement.json",
                     f"amenagements/{folder}/justificatif-certificat.pdf"):
        assert expected in names, expected
    assert archive.read(f"depots/{folder}/bloc-1/{mine.id}-Mémoire final.pdf") == \
        b"%PDF-1.4 ma copie"
    assert archive.read("donnees-personnelles/donnees.pdf").startswith(b"%PDF")
    personal = json.loads(archive.read("donnees-personnelles/donnees.json"))
    assert personal["account"]["email"] == me.email
    grading = json.loads(archive.read(f"grilles-evaluation/{folder}.json"))
    assert grading and all(line["observation"] == "Observation."
                           for sheet in grading for line in sheet["criteria"])
    assert all(sheet["evaluator"].startswith("Évaluateur") for sheet in grading)
    pv = json.loads(archive.read(f"proces-verbaux/{folder}-pv-0.json"))
    assert {line["block"] for line in pv["decisions"]} == {1, 2, 3}

    # Nothing of the other candidate: not their file, not their name, not their address.
    assert all(archive.read(n) != OTHER_BYTES for n in names)
    assert not any(str(theirs.id) + "-autre" in n for n in names)
    for name, text in _texts(archive).items():
        assert other.email not in text and other.last_name not in text, name
        assert juror_names(w).isdisjoint(text.split()) or "proces-verbaux" in name, name
    # Audited: who, for whom.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.exported"))
    assert event.actor_id == me.id and event.new["user_id"] == me.id


def juror_names(w) -> set[str]:
    return {j.last_name for j in w.jurors}


def test_admins_download_for_a_candidate_of_their_scope_only(db, published, hand_in, client,
                                                             as_user):
    w, mine, _theirs = _setup(db, published, hand_in)
    candidate = candidate_of(w.candidates[0])
    url = f"/candidats/{candidate.id}/donnees.zip"
    as_user(w.other_centre_admin)
    assert client.get(url).status_code == 404  # another centre's candidate
    assert client.get("/candidats/999999/donnees.zip").status_code == 404
    as_user(w.candidates[1])
    assert client.get(url).status_code == 403  # another candidate's archive: refused
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "privacy.exported")) is None
    for admin in (w.centre_admin, w.admin):
        as_user(admin)
        archive = _zip(client.get(url))
        assert "donnees-personnelles/donnees.json" in archive.namelist()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "privacy.exported").order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
        (w.centre_admin.id, "Candidate", candidate.id), (w.admin.id, "Candidate", candidate.id)]
    assert events[0].new["user_id"] == w.candidates[0].id


def test_a_centre_admin_gets_their_centres_records_only(db, published, client, as_user):
    d = published()
    w = d.w
    person = w.candidates[0]
    # The same person prepared by another centre: that centre's record is its own.
    from assess.candidates.models import Candidate

    elsewhere = create_centre("Centre Ailleurs")
    db.session.add(Candidate(user_id=person.id, centre_id=elsewhere.id, birth_name="Secret"))
    db.session.commit()
    as_user(w.centre_admin)
    archive = _zip(client.get(f"/candidats/{candidate_of_centre(person, w.centre).id}"
                              "/donnees.zip"))
    personal = json.loads(archive.read("donnees-personnelles/donnees.json"))
    assert [c["centre"] for c in personal["candidate_records"]] == [w.centre.name]
    assert "notifications/messages.json" not in archive.namelist()
    as_user(person)
    archive = _zip(client.get("/mes-donnees/archive.zip"))
    personal = json.loads(archive.read("donnees-personnelles/donnees.json"))
    assert {c["centre"] for c in personal["candidate_records"]} == {w.centre.name,
                                                                    "Centre Ailleurs"}
    assert "notifications/messages.json" in archive.namelist()  # the results e-mail


def candidate_of_centre(user, centre):
    from assess.candidates.models import Candidate
    from assess.extensions import db

    return db.session.scalar(select(Candidate).where(Candidate.user_id == user.id,
                                                     Candidate.centre_id == centre.id))


def test_nothing_of_the_deliberation_before_publication(db, deliberating, client, as_user):
    d = deliberating()
    as_user(d.w.candidates[0])
    names = _zip(client.get("/mes-donnees/archive.zip")).namelist()
    assert "donnees-personnelles/donnees.json" in names
    assert not any(n.startswith(("grilles-evaluation/", "decisions/", "proces-verbaux/"))
                   for n in names)


def test_the_archive_is_streamed_and_files_read_in_chunks(db, world, hand_in, client, as_user,
                                                          monkeypatch):
    from assess.storage.base import CHUNK_SIZE

    w = world(candidates=1, jurors=1)
    big = b"%PDF-1.4\n" + bytes(range(256)) * (12 * 1024)  # 3 MiB
    stored = hand_in(w.enrolments[0], w.session.exams[0], big, "gros.pdf")
    storage = get_storage()
    reads: list[int] = []
    real_open = storage.open

    def counting_open(key):
        handle = real_open(key)
        real_read = handle.read

        def read(size=-1):
            data = real_read(size)
            reads.append(len(data))
            return data

        return _Wrapped(handle, read)

    monkeypatch.setattr(storage, "open", counting_open)
    as_user(w.candidates[0])
    response = client.get("/mes-donnees/archive.zip")
    assert response.is_streamed
    assert isinstance(response.response, types.GeneratorType | Iterator)
    assert reads == []  # nothing read before the client asks for the bytes
    data = response.get_data()
    assert len(reads) > 10 and max(reads) <= CHUNK_SIZE
    folder = f"{w.session.id}-{w.session.name}"
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read(f"depots/{folder}/bloc-1/{stored.id}-gros.pdf") == big


class _Wrapped:
    def __init__(self, handle, read):
        self._handle, self.read = handle, read

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def close(self):
        self._handle.close()


def test_a_candidate_without_enrolment_gets_their_account(db, make_user, client, as_user):
    user = make_user("candidate")
    as_user(user)
    archive = _zip(client.get("/mes-donnees/archive.zip"))
    personal = json.loads(archive.read("donnees-personnelles/donnees.json"))
    assert personal["account"]["email"] == user.email and personal["enrolments"] == []


def test_only_candidates_have_a_my_data_page(db, world, client, as_user):
    w = world(candidates=1, jurors=1)
    for user in (w.centre_admin, w.jurors[0]):
        as_user(user)
        assert client.get("/mes-donnees").status_code == 403
        assert client.get("/mes-donnees/archive.zip").status_code == 403
    as_user(w.jurors[0])
    assert client.get(f"/candidats/{candidate_of(w.candidates[0]).id}/donnees.zip"
                      ).status_code == 403


def test_the_operation_refuses_an_archive_that_is_not_the_actors(db, world):
    import pytest

    from assess.privacy import operations, queries

    w = world(candidates=2, jurors=1)
    someone_else = queries.scope_for_self(w.candidates[1])
    with pytest.raises(operations.ExportRefused):
        operations.record_export(w.candidates[0], someone_else)
    with pytest.raises(operations.ExportRefused):
        operations.record_export(w.other_centre_admin, someone_else)
    operations.record_export(w.centre_admin, someone_else)  # their centre's candidate
