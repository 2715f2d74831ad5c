"""Every deliverable of the three modalities: one form each, versions per deliverable, the
URL of published content, the session's choices (types, required, one combined document),
windows, extensions and late work, the scan of a paper copy, and the receipt by e-mail."""

from __future__ import annotations

import html
import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.core.columns import utcnow
from assess.notifications.models import Notification
from assess.submissions.models import (
    DeadlineExtension,
    DeliverableSetting,
    StoredFile,
    SubmittedLink,
)

PPTX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           'content-types"><Override PartName="/ppt/presentation.xml" '
                           'ContentType="application/vnd.openxmlformats-officedocument.'
                           'presentationml.presentation.main+xml"/></Types>',
    "_rels/.rels": "<Relationships/>",
    "ppt/presentation.xml": "<presentation/>",
}


def pptx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in PPTX_PARTS.items():
            z.writestr(name, text)
    return out.getvalue()


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_each_deliverable_has_its_own_current_version(world, as_user, post_upload, db):
    w = world(candidates=1)
    as_user(w.candidates[0])
    bloc1 = w.session.exams[0]
    for code in ("audit", "preconisations", "audit"):
        assert post_upload(bloc1.id, deliverable=code,
                           data=f"%PDF-1.4 {code} {utcnow()}".encode()).status_code == 302
    files = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    assert [(f.deliverable, f.superseded_at is None) for f in files] == [
        ("audit", False), ("preconisations", True), ("audit", True)]


def test_the_oral_support_takes_a_presentation_and_the_dossier_only_a_pdf(
        world, as_user, post_upload, db):
    w = world(candidates=1)
    as_user(w.candidates[0])
    bloc3 = w.session.exams[2]
    assert post_upload(bloc3.id, deliverable="support_oral", data=pptx_bytes(),
                       filename="soutenance.pptx").status_code == 302
    refused = post_upload(bloc3.id, deliverable="dossier", data=pptx_bytes(),
                          filename="dossier.pdf")
    assert refused.status_code == 422
    assert "son contenu n'est pas PDF" in page(refused)
    stored = db.session.scalars(select(StoredFile)).one()
    assert stored.content_type.endswith("presentationml.presentation")
    assert stored.original_name == "soutenance.pptx"


def test_unknown_deliverable_is_404(world, as_user, post_upload, client):
    w = world(candidates=1)
    as_user(w.candidates[0])
    assert post_upload(w.session.exams[0].id, deliverable="nope").status_code == 404
    # a URL deliverable takes no file, a file deliverable no URL
    assert post_upload(w.session.exams[1].id, deliverable="url_cms").status_code == 404
    response = client.post(f"/candidat/epreuves/{w.session.exams[1].id}/lien/contenu",
                           data={"url": "https://exemple.fr"})
    assert response.status_code == 404


@pytest.mark.parametrize("bad", ["exemple.fr/page", "javascript:alert(1)", "ftp://x.fr/a",
                                 "https://", "https://exemple.fr/a b", "https://x.fr/" + "a" * 2001])
def test_a_bad_url_is_refused_and_kept_in_the_field(world, as_user, client, db, bad):
    w = world(candidates=1)
    as_user(w.candidates[0])
    response = client.post(f"/candidat/epreuves/{w.session.exams[1].id}/lien/url_cms",
                           data={"url": bad})
    assert response.status_code == 422
    body = page(response)
    assert "commençant par https://" in body or "2000" in body or "caractères" in body
    assert db.session.scalars(select(SubmittedLink)).all() == []


def test_the_url_is_recorded_with_its_time_and_versions(world, as_user, client, db):
    w = world(candidates=1)
    as_user(w.candidates[0])
    url = f"/candidat/epreuves/{w.session.exams[1].id}/lien/url_cms"
    before = utcnow()
    assert client.post(url, data={"url": "https://blog.exemple.fr/v1"}).status_code == 302
    assert client.post(url, data={"url": " https://blog.exemple.fr/v2 "}).status_code == 302
    links = db.session.scalars(select(SubmittedLink).order_by(SubmittedLink.id)).all()
    assert [(link.url, link.superseded_at is None) for link in links] == [
        ("https://blog.exemple.fr/v1", False), ("https://blog.exemple.fr/v2", True)]
    assert links[1].given_at >= before
    home = page(client.get("/candidat/"))
    assert "https://blog.exemple.fr/v2" in home and "Versions remplacées (1)" in home
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "submission.link_given").order_by(AuditEvent.id.desc())
    ).new["url"] == "https://blog.exemple.fr/v2"


def test_every_hand_in_sends_one_receipt(world, as_user, post_upload, db):
    w = world(candidates=1)
    as_user(w.candidates[0])
    post_upload(w.session.exams[0].id, deliverable="audit")
    stored = db.session.scalars(select(StoredFile)).one()
    receipts = db.session.scalars(select(Notification).where(
        Notification.event == "submission.receipt")).all()
    assert len(receipts) == 1
    assert receipts[0].recipient_id == w.candidates[0].id
    assert stored.sha256 in receipts[0].body and "Audit de la stratégie" in receipts[0].subject
    assert f"/candidat/depots/{stored.id}" in receipts[0].body


def test_a_case_study_takes_hand_ins_from_its_start(world, as_user, post_upload, db,
                                                     storage_files):
    w = world(candidates=1)
    part = w.session.exams[0].parts[0]
    part.starts_at = utcnow() + timedelta(minutes=30)
    db.session.commit()
    as_user(w.candidates[0])
    response = post_upload(w.session.exams[0].id)
    assert response.status_code == 409
    assert "pas encore ouvert" in page(response)
    assert storage_files() == []


def _deadline_passed(db, exam):
    for part in exam.parts:
        part.submission_deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()


def test_late_upload_refused_then_accepted_after_an_extension(world, as_user, post_upload,
                                                              db, client):
    w = world(candidates=1)
    exam = w.session.exams[2]
    _deadline_passed(db, exam)
    as_user(w.candidates[0])
    refused = post_upload(exam.id, deliverable="dossier")
    assert refused.status_code == 409
    assert "demandez un délai à votre centre" in page(refused)

    as_user(w.centre_admin)
    record = f"/sessions/{w.session.id}/candidats/{w.enrolments[0].id}"
    until = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    missing = client.post(f"{record}/epreuves/{exam.id}/delai", data={"until": until})
    assert missing.status_code == 422 and "Indiquez le motif" in page(missing)
    assert until in page(missing)  # the date typed is kept
    granted = client.post(f"{record}/epreuves/{exam.id}/delai",
                          data={"until": until, "reason": "Hospitalisation, certificat reçu"})
    assert granted.status_code == 302
    extension = db.session.scalars(select(DeadlineExtension)).one()
    assert extension.granted_by_id == w.centre_admin.id
    told = db.session.scalars(select(Notification).where(
        Notification.event == "submission.extension")).one()
    assert told.recipient_id == w.candidates[0].id
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "submission.extension_granted")).new["reason"] == (
        "Hospitalisation, certificat reçu")

    as_user(w.candidates[0])
    assert "prolongée pour vous" in page(client.get("/candidat/"))
    assert post_upload(exam.id, deliverable="dossier").status_code == 302
    assert not db.session.scalars(select(StoredFile)).one().late


def test_an_extension_must_add_time(world, as_user, client, db):
    w = world(candidates=1)
    exam = w.session.exams[2]
    as_user(w.centre_admin)
    earlier = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/sessions/{w.session.id}/candidats/{w.enrolments[0].id}"
                           f"/epreuves/{exam.id}/delai",
                           data={"until": earlier, "reason": "Incident"})
    assert response.status_code == 422
    assert "postérieur à la date limite" in page(response)
    assert db.session.scalars(select(DeadlineExtension)).all() == []


def test_late_work_accepted_where_the_session_says_and_flagged(world, as_user, post_upload,
                                                               db, client):
    w = world(candidates=1)
    exam = w.session.exams[2]
    _deadline_passed(db, exam)
    w.session.accepts_late_work = True
    db.session.commit()
    as_user(w.candidates[0])
    assert "signalés en retard" in page(client.get("/candidat/"))
    assert post_upload(exam.id, deliverable="dossier").status_code == 302
    stored = db.session.scalars(select(StoredFile)).one()
    assert stored.late
    assert "reçu en retard" in page(client.get("/candidat/"))
    assert "en retard" in db.session.scalars(select(Notification)).one().body
    as_user(w.centre_admin)
    record = page(client.get(f"/sessions/{w.session.id}/candidats/{w.enrolments[0].id}"))
    assert "en retard" in record


def test_an_admin_uploads_a_scan_recorded_as_such(world, as_user, client, db, pdf_bytes):
    w = world(candidates=1)
    exam = w.session.exams[0]
    _deadline_passed(db, exam)  # the paper copy was handed in at the épreuve
    as_user(w.centre_admin)
    response = client.post(
        f"/sessions/{w.session.id}/candidats/{w.enrolments[0].id}/epreuves/{exam.id}/scan",
        data={"deliverable": "budget", "file": (io.BytesIO(pdf_bytes), "scan budget.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    stored = db.session.scalars(select(StoredFile)).one()
    assert (stored.on_behalf, stored.uploaded_by_id, stored.deliverable, stored.late) == (
        True, w.centre_admin.id, "budget", False)
    as_user(w.candidates[0])
    assert "scan déposé par le centre" in page(client.get("/candidat/"))


def test_another_centre_admin_cannot_scan_or_extend(world, as_user, client, db, pdf_bytes):
    w = world(candidates=1)
    other = world(candidates=0)
    as_user(other.centre_admin)
    base = f"/sessions/{w.session.id}/candidats/{w.enrolments[0].id}/epreuves/{w.session.exams[0].id}"
    assert client.post(base + "/scan", data={"deliverable": "audit", "file": (
        io.BytesIO(pdf_bytes), "a.pdf")}, content_type="multipart/form-data").status_code == 404
    assert client.post(base + "/delai", data={"until": "2030-01-01T10:00",
                                              "reason": "x"}).status_code == 404
    assert db.session.scalars(select(StoredFile)).all() == []


def test_settings_combined_document_types_and_optional(world, as_user, client, db,
                                                       post_upload):
    w = world(candidates=1)
    bloc1, bloc3 = w.session.exams[0], w.session.exams[2]
    as_user(w.centre_admin)
    url = f"/sessions/{w.session.id}/depots"
    form = page(client.get(url))
    assert "Audit de la stratégie webmarketing et de communication" in form
    data = {"accepts_late": "y", f"combined_{bloc1.id}": "y"}
    for exam in w.session.exams:
        for code in {0: ("audit", "preconisations", "veille", "budget"),
                     1: ("cahier_des_charges", "strategie_contenu", "contenu"),
                     2: ("dossier", "support_oral")}[exam.position - 1]:
            data[f"accepts_{exam.id}_{code}"] = ["pdf"]
            data[f"required_{exam.id}_{code}"] = "y"
    data[f"required_{w.session.exams[1].id}_url_cms"] = "y"
    data[f"accepts_{bloc3.id}_support_oral"] = ["pdf", "odp"]  # no PPTX
    data.pop(f"required_{bloc3.id}_support_oral")  # optional
    none = dict(data, **{f"accepts_{bloc3.id}_dossier": []})
    refused = client.post(url, data=none)
    assert refused.status_code == 422 and "cochez au moins un type" in page(refused)
    assert client.post(url, data=data).status_code == 302
    settings = {s.deliverable: s for s in db.session.scalars(select(DeliverableSetting))}
    assert settings["support_oral"].accepts == ["pdf", "odp"]
    assert settings["support_oral"].required is False
    db.session.refresh(w.session)
    assert w.session.accepts_late_work and bloc1.combined_hand_in

    as_user(w.candidates[0])
    home = page(client.get("/candidat/"))
    assert f'/candidat/epreuves/{bloc1.id}/depot/combined"' in home
    assert f'/candidat/epreuves/{bloc1.id}/depot/audit"' not in home
    assert "Un seul document réunit : Audit de la stratégie" in home
    assert "(facultatif)" in home
    assert post_upload(bloc3.id, deliverable="support_oral", data=pptx_bytes(),
                       filename="s.pptx").status_code == 422
    assert post_upload(bloc1.id, deliverable="combined").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "session.hand_in_settings_changed")) is not None


def test_settings_are_for_the_session_admins_only(world, as_user, client):
    w = world(candidates=1)
    other = world(candidates=0)
    url = f"/sessions/{w.session.id}/depots"
    as_user(other.centre_admin)
    assert client.get(url).status_code == 404
    as_user(w.candidates[0])
    assert client.get(url).status_code == 403
    as_user(w.jurors[0])
    assert client.get(url).status_code == 403


def test_a_juror_never_gets_a_replaced_version(world, as_user, post_upload, client, db):
    w = world(candidates=1, jurors=1, assign_all=True)
    exam = w.session.exams[0]
    as_user(w.candidates[0])
    post_upload(exam.id, deliverable="audit", data=b"%PDF-1.4 first")
    post_upload(exam.id, deliverable="audit", data=b"%PDF-1.4 second")
    old, new = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    as_user(w.jurors[0])
    assert client.get(f"/fichiers/{old.id}").status_code == 404
    response = client.get(f"/fichiers/{new.id}")
    assert response.status_code == 200
    response.close()
    as_user(w.candidates[0])
    response = client.get(f"/fichiers/{old.id}")  # the owner still reads it
    assert response.status_code == 200
    response.close()


def test_the_receipt_downloads_as_a_pdf_for_owner_and_admins_only(world, as_user, client,
                                                                   post_upload, db):
    from pypdf import PdfReader

    w = world(candidates=2, jurors=1, assign_all=True)
    as_user(w.candidates[0])
    post_upload(w.session.exams[0].id, deliverable="veille", filename="ma veille.pdf")
    stored = db.session.scalars(select(StoredFile)).one()
    url = f"/depots/{stored.id}/accuse.pdf"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert stored.sha256[:32] in text.replace("\n", "") and "Système de veille" in text
    assert "ma veille.pdf" in text
    for who, status in ((w.centre_admin, 200), (w.candidates[1], 404), (w.jurors[0], 404)):
        as_user(who)
        assert client.get(url).status_code == status


def test_the_admin_sees_each_epreuve_hand_ins_filters_and_exports(
        world, as_user, client, post_upload, db, count_queries):
    from openpyxl import load_workbook

    w = world(candidates=3)
    exam = w.session.exams[1]
    as_user(w.candidates[0])
    post_upload(exam.id, deliverable="contenu")
    client.post(f"/candidat/epreuves/{exam.id}/lien/url_cms",
                data={"url": "https://cms.exemple.fr/article"})
    as_user(w.centre_admin)
    url = f"/sessions/{w.session.id}/epreuves/{exam.id}/depots"
    body = page(client.get(url))
    assert "3 candidats correspondent." in body and "Contenu produit" in body
    body = page(client.get(url + "?statut=received&livrable=contenu"))
    assert "1 candidat correspond." in body
    assert w.candidates[0].last_name in body and w.candidates[1].last_name not in body
    assert "2 candidats correspondent." in page(client.get(url + "?statut=missing&livrable=contenu"))

    csv = client.get(url.replace("/depots", "/depots.csv") + "?statut=received&livrable=contenu")
    text = csv.get_data(as_text=True)
    csv.close()
    assert "Contenu produit" in text and w.candidates[0].email in text
    assert w.candidates[1].email not in text
    xlsx = client.get(url.replace("/depots", "/depots.xlsx"))
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    xlsx.close()
    assert len(list(book.active.iter_rows())) == 4  # header + 3 candidates
    book.close()

    def statements():
        db.session.remove()
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    other = world(candidates=0)
    centre_id, session_id, other_admin = w.centre.id, w.session.id, other.centre_admin.id
    few = statements()
    from assess.accounts.models import User
    from assess.centres.models import TrainingCentre
    from assess.sessions.models import CertificationSession
    from tests.factories import create_user, enrol

    centre = db.session.get(TrainingCentre, centre_id)
    session = db.session.get(CertificationSession, session_id)
    for _ in range(10):
        enrol(session, create_user("candidate", centre=centre))
    db.session.commit()
    assert statements() == few  # no statement per candidate

    as_user(db.session.get(User, other_admin))
    assert client.get(url).status_code == 404
    assert client.get(url.replace("/depots", "/depots.csv")).status_code == 404


def test_reminders_go_once_per_deliverable_and_deadline(world, as_user, client, post_upload,
                                                        db, mail_outbox):
    w = world(candidates=2)
    exam = w.session.exams[2]  # the dossier and the oral support, both required
    as_user(w.candidates[0])
    post_upload(exam.id, deliverable="dossier")
    as_user(w.centre_admin)
    url = f"/sessions/{w.session.id}/epreuves/{exam.id}/rappels"
    assert client.post(url).status_code == 302
    reminders = db.session.scalars(select(Notification).where(
        Notification.event == "submission.reminder").order_by(Notification.id)).all()
    by_user = {n.recipient_id: n.body for n in reminders}
    assert "Support de présentation" in by_user[w.candidates[0].id]
    assert "Dossier écrit" not in by_user[w.candidates[0].id]
    assert "Dossier écrit" in by_user[w.candidates[1].id]
    assert client.post(url).status_code == 302  # again: nothing new
    assert db.session.query(Notification).filter_by(event="submission.reminder").count() == 2
    page_after = page(client.get(f"/sessions/{w.session.id}/epreuves/{exam.id}/depots"))
    assert "déjà reçu ce rappel" in page_after

    for part in exam.parts:  # the deadline moves: a new one, reminded again
        if part.submission_deadline:
            part.submission_deadline = part.submission_deadline + timedelta(days=1)
    db.session.commit()
    assert client.post(url).status_code == 302
    assert db.session.query(Notification).filter_by(event="submission.reminder").count() == 4
    other = world(candidates=0)
    as_user(other.centre_admin)
    assert client.post(url).status_code == 404


def test_the_juror_sees_the_published_url_with_the_files(world, as_user, client, db):
    w = world(candidates=1, jurors=1, assign_all=True)
    as_user(w.candidates[0])
    client.post(f"/candidat/epreuves/{w.session.exams[1].id}/lien/url_cms",
                data={"url": "https://cms.exemple.fr/contenu"})
    as_user(w.jurors[0])
    assert "https://cms.exemple.fr/contenu" in page(client.get("/jury/"))


def test_the_candidate_reads_the_time_left(world, as_user, client, db):
    w = world(candidates=1)
    exam = w.session.exams[2]
    for part in exam.parts:
        part.submission_deadline = utcnow() + timedelta(days=2, hours=3, minutes=10)
    db.session.commit()
    as_user(w.candidates[0])
    assert "(il reste 2 jours et 3 h)" in page(client.get("/candidat/"))


def test_time_left_words(tmp_path):
    from datetime import datetime

    from assess.submissions.labels import time_left

    now = datetime(2026, 12, 2, 10, 0)
    with_app = [(timedelta(minutes=45), "il reste 45 min"), (timedelta(hours=5, minutes=7),
                "il reste 5 h 07"), (timedelta(days=1, hours=2), "il reste 1 jour et 2 h"),
                (timedelta(seconds=-1), "")]
    from assess import create_app
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path))
    with app.test_request_context():
        for delta, words in with_app:
            assert time_left(now + delta, now) == words
