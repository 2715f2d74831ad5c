"""GET /candidat/depots/<file_id>: the candidate's « accusé de dépôt »."""

from __future__ import annotations

import html

import pytest


@pytest.fixture
def deposit(world, upload_file):
    w = world(candidates=2)
    stored = upload_file(w.candidates[0], w.enrolments[0], w.session.exams[2],
                         filename="dossier.pdf")
    return w, stored


def test_owner_sees_the_receipt(deposit, as_user, client):
    w, stored = deposit
    as_user(w.candidates[0])

    response = client.get(f"/candidat/depots/{stored.id}")

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Accusé de dépôt" in page
    assert f'<code class="mono">{stored.sha256}</code>' in page
    assert "dossier.pdf" in page
    assert f"{stored.size} octets" in page
    assert "Bloc 3 — Piloter la performance" in page
    assert w.session.name in page
    assert f"/fichiers/{stored.id}" in page


def test_superseded_file_is_marked(deposit, as_user, client, upload_file):
    w, stored = deposit
    upload_file(w.candidates[0], w.enrolments[0], w.session.exams[2], data=b"%PDF-1.6 v2")
    as_user(w.candidates[0])

    page = html.unescape(client.get(f"/candidat/depots/{stored.id}").get_data(as_text=True))
    assert "Ce fichier a été remplacé par un dépôt plus récent" in page


def test_other_candidate_gets_404(deposit, as_user, client):
    w, stored = deposit
    as_user(w.candidates[1])
    assert client.get(f"/candidat/depots/{stored.id}").status_code == 404
    assert client.get("/candidat/depots/999999").status_code == 404


@pytest.mark.parametrize("who", ["juror", "centre_admin", "certifier_admin"])
def test_other_roles_get_403(deposit, as_user, client, who):
    w, stored = deposit
    as_user({"juror": w.jurors[0], "centre_admin": w.centre_admin,
             "certifier_admin": w.admin}[who])
    assert client.get(f"/candidat/depots/{stored.id}").status_code == 403


def test_anonymous_is_sent_to_login(deposit, client):
    _, stored = deposit
    response = client.get(f"/candidat/depots/{stored.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_receipt_email_carries_the_pdf_receipt(deposit, mail_outbox, db):
    """The accusé de dépôt goes with its e-mail as a PDF, the same drawing as the download,
    in the candidate's language."""
    import io

    from pypdf import PdfReader

    from assess.outbox import relay

    w, stored = deposit
    relay.commit()  # the receipt's e-mail queued by the upload leaves now
    [message] = [m for m in mail_outbox if m["Subject"].startswith("Accusé de dépôt")]
    assert message["To"] == w.candidates[0].email
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"accuse-de-depot-{stored.id}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        attachment.get_payload(decode=True))).pages)
    assert stored.sha256[:32] in text.replace("\n", "") and "Accusé de dépôt" in text
