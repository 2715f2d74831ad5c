"""Anonymous grading: jurors see a candidate number, never the name, in pages, file
names, zip entries and the metadata of the PDFs they download, until an admin reveals
the identities at deliberation (audited). The zip holds only the juror's assigned,
current work and is streamed."""

from __future__ import annotations

import html
import io
import zipfile

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.candidates.models import Enrolment
from assess.sessions.models import SessionStatus
from tests.assess.submissions.pdfs import readable_pdf
from tests.factories import assign, move_to


def signed_pdf(author: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(readable_pdf())))
    writer.add_metadata({"/Author": author, "/Title": f"Dossier de {author}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def anonymous_world(world, db, as_user, client, post_upload):
    w = world(candidates=2, jurors=2, assign_all=False)
    exam = w.session.exams[2]
    assign(w.jurors[0], w.enrolments[0], exam)
    assign(w.jurors[0], w.enrolments[1], exam)
    assign(w.jurors[1], w.enrolments[1], exam)
    db.session.commit()
    as_user(w.centre_admin)
    data = {"accepts_late": "", "anonymous": "y"}
    for e in w.session.exams:
        for code, accepts in {1: [("audit", ["pdf"]), ("preconisations", ["pdf"]),
                                  ("veille", ["pdf"]), ("budget", ["pdf"])],
                              2: [("cahier_des_charges", ["pdf"]), ("strategie_contenu", ["pdf"]),
                                  ("contenu", ["pdf"]), ("url_cms", None)],
                              3: [("dossier", ["pdf"]), ("support_oral", ["pdf", "pptx", "odp"])]
                              }[e.position]:
            if accepts:
                data[f"accepts_{e.id}_{code}"] = accepts
            data[f"required_{e.id}_{code}"] = "y"
    assert client.post(f"/sessions/{w.session.id}/depots", data=data).status_code == 302
    for candidate in w.candidates:
        as_user(candidate)
        assert post_upload(exam.id, deliverable="dossier", data=signed_pdf(candidate.full_name),
                           filename=f"Dossier {candidate.last_name}.pdf").status_code == 302
    return w, exam


def test_jurors_see_numbers_only(world, db, as_user, client, post_upload):
    w, exam = anonymous_world(world, db, as_user, client, post_upload)
    numbers = [db.session.get(Enrolment, e.id).anonymous_number for e in w.enrolments]
    assert all(n and len(n) == 6 for n in numbers) and len(set(numbers)) == 2
    as_user(w.jurors[0])
    page = html.unescape(client.get("/jury/").get_data(as_text=True))
    for candidate in w.candidates:
        assert candidate.last_name not in page, page[page.index(candidate.last_name) - 300:
                                                     page.index(candidate.last_name) + 50]
    assert f"Candidat n° {numbers[0]}" in page and f"candidat-{numbers[0]}-dossier.pdf" in page


def test_a_download_is_named_by_number_without_metadata(world, db, as_user, client,
                                                        post_upload):
    from assess.submissions.models import StoredFile

    w, exam = anonymous_world(world, db, as_user, client, post_upload)
    stored = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).first()
    number = db.session.get(Enrolment, w.enrolments[0].id).anonymous_number
    as_user(w.jurors[0])
    response = client.get(f"/fichiers/{stored.id}")
    body = response.data
    response.close()
    assert f"candidat-{number}-dossier.pdf" in response.headers["Content-Disposition"]
    assert w.candidates[0].last_name.encode() not in body
    assert PdfReader(io.BytesIO(body)).metadata in (None, {})
    as_user(w.centre_admin)  # admins see the name and the file as it was handed in
    response = client.get(f"/fichiers/{stored.id}")
    assert response.data == signed_pdf(w.candidates[0].full_name)
    response.close()


def test_the_zip_holds_the_assigned_current_work_by_number(world, db, as_user, client,
                                                           post_upload):
    w, exam = anonymous_world(world, db, as_user, client, post_upload)
    numbers = sorted(db.session.get(Enrolment, e.id).anonymous_number for e in w.enrolments)
    as_user(w.jurors[0])
    response = client.get(f"/jury/epreuves/{exam.id}/copies.zip")
    assert response.status_code == 200 and response.is_streamed
    data = b"".join(response.response)
    response.close()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(z.namelist())
        assert names == sorted(f"Candidat n° {n}/candidat-{n}-dossier.pdf" for n in numbers)
        for name in names:
            content = z.read(name)
            assert content.startswith(b"%PDF")
            assert not any(c.last_name.encode() in content for c in w.candidates)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "files.zip_downloaded")) is not None
    # The second juror grades only the second candidate: one entry.
    as_user(w.jurors[1])
    response = client.get(f"/jury/epreuves/{exam.id}/copies.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.response))) as z:
        assert len(z.namelist()) == 1
    response.close()
    # An épreuve the juror grades nothing of: 404.
    assert client.get(f"/jury/epreuves/{w.session.exams[0].id}/copies.zip").status_code == 404
    as_user(w.candidates[0])
    assert client.get(f"/jury/epreuves/{exam.id}/copies.zip").status_code == 403


def test_identities_are_revealed_at_deliberation_only_and_audited(world, db, as_user, client,
                                                                  post_upload):
    w, exam = anonymous_world(world, db, as_user, client, post_upload)
    as_user(w.centre_admin)
    reveal = f"/sessions/{w.session.id}/anonymat/lever"
    page = html.unescape(client.get(f"/sessions/{w.session.id}/depots").get_data(as_text=True))
    assert "Les identités se lèvent en délibération" in page
    client.post(reveal)
    db.session.refresh(w.session)
    assert w.session.identities_revealed_at is None
    move_to(w.session, SessionStatus.DELIBERATION)
    db.session.commit()
    assert client.post(reveal).status_code == 302
    db.session.refresh(w.session)
    assert w.session.identities_revealed_at is not None
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "session.identities_revealed")).actor_id == w.centre_admin.id
    as_user(w.jurors[0])
    page = html.unescape(client.get("/jury/").get_data(as_text=True))
    assert w.candidates[0].last_name in page


def test_without_anonymity_jurors_see_names(world, db, as_user, client, post_upload):
    w = world(candidates=1, jurors=1, assign_all=True)
    as_user(w.candidates[0])
    post_upload(w.session.exams[2].id, deliverable="dossier", filename="Mon dossier.pdf")
    as_user(w.jurors[0])
    page = html.unescape(client.get("/jury/").get_data(as_text=True))
    assert w.candidates[0].last_name in page and "Mon dossier.pdf" in page
