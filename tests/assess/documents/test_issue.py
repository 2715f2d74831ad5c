"""Documents are issued at publication, once: an attestation per validated bloc (the
référentiel's texts exactly), the certificate for an awarded title, sealed PDFs drawn
again byte for byte; nothing before publication."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import func, select

from assess.decisions.models import Deliberation
from assess.documents import operations, pdf
from assess.documents.models import DocumentKind, IssuedDocument
from assess.notifications.models import Notification
from assess.results.models import TitleResult
from assess.signing.pades import verify_pdf
from rubrics.scoring import add_years


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(IssuedDocument))


def _kinds(documents):
    return [(str(d.kind), d.block.number if d.block else None) for d in documents]


def test_publication_issues_an_attestation_per_validated_bloc_and_the_certificate(
        db, decided, publish, documents_of, mail_outbox, audit_actions):
    w = decided(failed_bloc=3)
    publish(w)
    failed, passed = w.enrolments
    # Candidate 1 failed bloc 3: two attestations, no certificate; candidate 2: all.
    assert _kinds(documents_of(failed)) == [("bloc_attestation", 1), ("bloc_attestation", 2)]
    assert _kinds(documents_of(passed)) == [("certificate", None), ("bloc_attestation", 1),
                                            ("bloc_attestation", 2), ("bloc_attestation", 3)]
    assert audit_actions("documents.") == ["documents.issued"] * 6
    # Each candidate is told once, with a link to the page (e-mail and centre).
    notes = db.session.scalars(select(Notification).where(
        Notification.event == "documents_available")).all()
    assert sorted(n.recipient_id for n in notes) == sorted(u.id for u in w.candidates)
    assert {n.link for n in notes} == {"/mes-documents"}
    mails = [m for m in mail_outbox if "documents de certification" in m["Subject"]]
    assert len(mails) == 2 and "/mes-documents" in mails[0].get_body(("plain",)).get_content()


def test_the_facts_are_the_referentiel_s_texts_and_the_settings(db, decided, publish,
                                                                documents_of):
    w = decided(failed_bloc=3, validity_years=5)
    publish(w)
    enrolment = w.enrolments[1]
    documents = documents_of(enrolment)
    certificate, bloc1 = documents[0], documents[1]
    version = w.session.referential_version.data
    source = next(b for b in version["blocks"] if b["number"] == 1)
    f = bloc1.facts
    # Exactly the stored version's texts, in their order, nothing rewritten.
    assert f["blocs"][0]["competences"] == [{"code": c["code"], "text": c["text"]}
                                            for c in source["competences"]]
    assert f["blocs"][0]["title"] == source["title"]
    assert f["certification_title"] == version["title"]
    assert f["rncp_code"] == "RNCP12345" and f["certifier_name"] == "Certificateur Exemple"
    assert f["holder_name"] == w.candidates[1].full_name
    assert f["session_name"] == w.session.name
    held_on = db.session.scalar(select(Deliberation.held_on).where(
        Deliberation.session_id == w.session.id))
    assert f["decision_date"] == held_on.isoformat()
    published_on = db.session.scalar(select(TitleResult.published_at).where(
        TitleResult.enrolment_id == enrolment.id)).date()
    assert bloc1.valid_until == add_years(published_on, 5)
    assert f["valid_until"] == bloc1.valid_until.isoformat() and f["validity_years"] == 5
    # The title is acquired for good; it lists the title's blocs.
    assert certificate.valid_until is None and certificate.facts["validity_years"] is None
    assert [b["number"] for b in certificate.facts["blocs"]] == [1, 2, 3]
    assert f["verify_url"] == f"http://127.0.0.1:5000/verify/{bloc1.code}"


def test_without_a_validity_period_a_bloc_has_no_end(db, decided, publish, documents_of):
    w = decided(validity_years=None)
    publish(w)
    assert {d.valid_until for d in documents_of(w.enrolments[1])} == {None}


def test_the_sealed_pdf_is_valid_and_signed_at_the_issue_time(db, issued, documents_of):
    d = issued()
    for document in documents_of(d.w.enrolments[0]):
        check = verify_pdf(document.pdf)
        assert check.valid, check.problem
        assert check.signed_at.astimezone(UTC).replace(tzinfo=None) == document.issued_at
        assert pdf.sha256(document.pdf) == document.sha256
        assert document.pdf.startswith(b"%PDF-")


def test_drawing_again_gives_the_same_bytes(db, issued, documents_of):
    d = issued()
    document = documents_of(d.w.enrolments[0])[1]
    content, sealed = pdf.draw(document.facts)
    assert pdf.sha256(content) == document.content_sha256
    assert sealed == document.pdf


def test_the_page_prints_the_qr_code_and_the_texts(db, issued, documents_of, monkeypatch):
    d = issued()
    document = documents_of(d.w.enrolments[0])[1]
    drawn = {}
    real = pdf.render_pdf

    def spy(html, css):
        drawn["html"] = html
        return real(html, css)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    pdf.render_document(document.facts)
    html = drawn["html"]
    assert "<svg" in html and 'class="qr"' in html
    assert document.facts["verify_url"] in html
    for c in document.facts["blocs"][0]["competences"]:
        assert c["code"] in html
    assert "RNCP12345" in html and "Certificateur Exemple" in html
    assert document.facts["issued_at"] + "Z" in html  # fixed creation/modification dates


def test_issuing_twice_changes_nothing(db, issued, documents_of):
    from assess.documents.tasks import issue

    d = issued()
    enrolment = d.w.enrolments[0]
    before = [(x.id, x.code, x.sha256) for x in documents_of(enrolment)]
    again = operations.issue_documents(enrolment)
    issue({"enrolment_id": enrolment.id})  # a second delivery of the outbox row
    db.session.commit()
    assert [(x.id, x.code, x.sha256) for x in again] == before
    assert [(x.id, x.code, x.sha256) for x in documents_of(enrolment)] == before
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.event == "documents_available",
        Notification.recipient_id == d.w.candidates[0].id)) == 1


def test_nothing_is_issued_before_publication(db, decided, documents_of):
    w = decided()
    assert operations.issue_documents(w.enrolments[1]) == []
    assert _count(db) == 0


def test_publishing_one_candidate_issues_only_theirs(db, decided, client, as_user,
                                                      documents_of):
    w = decided()
    as_user(w.centre_admin)
    first, second = w.enrolments
    assert client.post(f"/sessions/{w.session.id}/resultats/publier/{second.id}",
                       data={"confirmed": "1"}).status_code == 302
    assert len(documents_of(second)) == 4
    assert documents_of(first) == []


def test_codes_are_unique_and_unguessable(db, issued, documents_of):
    from assess.documents.codes import ALPHABET, LENGTH

    d = issued()
    codes = [x.code for e in d.w.enrolments for x in documents_of(e)]
    assert len(set(codes)) == len(codes) == 8
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    ids = [str(x.id) for e in d.w.enrolments for x in documents_of(e)]
    assert not any(i in c for i, c in zip(ids, codes, strict=True) if len(i) > 1)


def test_the_kind_is_what_the_results_give(db, issued, documents_of):
    d = issued()
    kinds = {x.kind for x in documents_of(d.w.enrolments[0])}
    assert kinds == {DocumentKind.BLOC, DocumentKind.TITLE}


def test_the_qr_code_printed_in_the_pdf_reads_as_the_verification_address(
        db, issued, documents_of):
    """The PDF as a reader draws it (pdfium), its QR code read back by a decoder (ZXing):
    a phone pointed at the paper opens this document's /verify/ page."""
    import pypdfium2
    import zxingcpp

    d = issued()
    for document in documents_of(d.w.enrolments[0])[:2]:  # the certificate, an attestation
        drawn = pypdfium2.PdfDocument(document.pdf)
        found = []
        for page in drawn:
            image = page.render(scale=3).to_pil()
            found += [r.text for r in zxingcpp.read_barcodes(image)
                      if r.format == zxingcpp.BarcodeFormat.QRCode]
            page.close()
        drawn.close()
        assert found == [document.facts["verify_url"]]
        assert found[0].endswith(f"/verify/{document.code}")
