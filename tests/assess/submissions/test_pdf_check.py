"""Every handed-in PDF is checked by the worker with pypdf in a child process under limits:
encrypted, truncated or bomb PDFs are refused (the worker survives), the page count of a
readable one is recorded, the candidate sees the outcome and gets it by e-mail, once."""

from __future__ import annotations

import html
import resource
import time

import pytest
from sqlalchemy import select

from assess.notifications.models import Notification
from assess.submissions import tasks
from assess.submissions.models import StoredFile
from assess.submissions.pdf_check import check_pdf
from tests.assess.submissions.pdfs import bomb_pdf, encrypted_pdf, readable_pdf


@pytest.fixture
def app_config():
    return {"PDF_CHECK": True, "PDF_CHECK_MEMORY_MB": 256, "PDF_CHECK_SECONDS": 10}


@pytest.mark.parametrize(("data", "outcome"), [
    (readable_pdf(), "ok"),
    (encrypted_pdf(), "encrypted"),
    (readable_pdf()[:-60], "unreadable"),  # truncated: no cross-reference table
    (b"%PDF-1.4\nnothing more", "unreadable"),
], ids=["readable", "encrypted", "truncated", "header-only"])
def test_the_child_tells_each_kind_of_pdf(tmp_path, data, outcome):
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    result = check_pdf(str(path), memory_mb=256, seconds=10)
    assert result.outcome == outcome, result
    assert (result.pages == 1) == (outcome == "ok")


def test_a_bomb_stops_in_the_child_not_in_the_worker(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf(1024))  # 1 MB inflating to 1 GB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = check_pdf(str(path), memory_mb=256, seconds=10)
    assert result.outcome == "too_heavy"
    assert time.monotonic() - started < 15
    # This process did not inflate anything (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024


@pytest.mark.parametrize(("data", "status", "words"), [
    (readable_pdf(), "ok", "vérifié : PDF lisible, 1 page(s)"),
    (encrypted_pdf(), "refused", "protégé par un mot de passe"),
    (bomb_pdf(300), "refused", "trop lourd à ouvrir"),
], ids=["readable", "encrypted", "bomb"])
def test_the_candidate_sees_and_is_told_the_outcome(world, as_user, client, post_upload, db,
                                                    data, status, words):
    w = world(candidates=1)
    as_user(w.candidates[0])
    assert post_upload(w.session.exams[2].id, deliverable="dossier", data=data,
                       filename="dossier.pdf").status_code == 302
    stored = db.session.scalars(select(StoredFile)).one()
    db.session.refresh(stored)
    assert stored.check_status == status and stored.checked_at is not None
    assert stored.page_count == (1 if status == "ok" else None)
    page = html.unescape(client.get("/candidat/").get_data(as_text=True))
    assert words in page
    told = db.session.scalars(select(Notification).where(
        Notification.event == "submission.checked")).one()
    assert words in told.body

    # A second delivery of the same task changes nothing and tells nobody again.
    tasks.check_uploaded_pdf({"file_id": stored.id})
    assert db.session.query(Notification).filter_by(event="submission.checked").count() == 1


def test_presentations_are_not_checked_as_pdfs(world, as_user, post_upload, db):
    from tests.assess.submissions.test_deliverables import pptx_bytes

    w = world(candidates=1)
    as_user(w.candidates[0])
    post_upload(w.session.exams[2].id, deliverable="support_oral", data=pptx_bytes(),
                filename="s.pptx")
    assert db.session.scalars(select(StoredFile)).one().check_status is None


def test_the_outcome_mail_is_written_outside_a_request(app, world, db):
    """In the worker there is no request: the links of the e-mail are built all the same."""
    import io as _io

    from werkzeug.datastructures import FileStorage

    from assess.submissions import operations

    w = world(candidates=1)
    app.config["PDF_CHECK"] = False  # store it, then check it as the worker would
    with app.test_request_context():
        stored = operations.upload(w.candidates[0], w.enrolments[0], w.session.exams[2],
                                   FileStorage(_io.BytesIO(readable_pdf()), "d.pdf"), "dossier")
        stored.check_status = "pending"
        db.session.commit()
    app.config["PDF_CHECK"] = True
    tasks.check_uploaded_pdf({"file_id": stored.id})  # app context only, as in the worker
    told = db.session.scalars(select(Notification).where(
        Notification.event == "submission.checked")).one()
    assert "/candidat/" in told.body
