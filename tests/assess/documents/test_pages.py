"""The candidate's « Mes documents », the certifier's list (search, pages, a fixed number
of statements), regeneration, and revocation after an appeal's re-deliberation."""

from __future__ import annotations

from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.documents import operations
from assess.documents import queries as dq
from assess.documents.codes import grouped
from assess.documents.models import IssuedDocument
from assess.results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult


def test_my_documents_lists_mine_with_their_downloads(db, issued, documents_of, client,
                                                      as_user, count_queries):
    d = issued()
    mine = documents_of(d.w.enrolments[0])
    theirs = documents_of(d.w.enrolments[1])
    as_user(d.w.candidates[0])
    with count_queries() as statements:
        response = client.get("/mes-documents")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for document in mine:
        assert f"/documents/{document.id}/document.pdf" in page
        assert f"/documents/{document.id}/badge.jwt" in page
    assert all(f"/documents/{x.id}/" not in page for x in theirs)
    assert len(statements) <= 6  # the login, the list: not one per document
    assert 'href="/mes-documents"' in client.get("/resultats").get_data(as_text=True)


def test_before_publication_my_documents_is_empty(db, decided, client, as_user):
    w = decided()
    as_user(w.candidates[0])
    response = client.get("/mes-documents")
    assert response.status_code == 200 and "Aucun document" in response.get_data(as_text=True)


def test_the_list_searches_by_name_and_code(db, issued, documents_of, client, as_user):
    d = issued()
    first = documents_of(d.w.enrolments[0])[1]
    second_name = d.w.candidates[1].full_name
    as_user(d.w.admin)
    by_name = client.get("/documents", query_string={"q": d.w.candidates[0].last_name})
    page = by_name.get_data(as_text=True)
    assert first.code in page.replace("-", "") and second_name not in page
    for typed in (grouped(first.code), first.code.lower(), first.code[:6]):
        page = client.get("/documents", query_string={"q": typed}).get_data(as_text=True)
        assert grouped(first.code) in page, typed
    nothing = client.get("/documents", query_string={"q": "' OR 1=1 --"})
    assert nothing.status_code == 200 and "Aucun document ne correspond" in \
        nothing.get_data(as_text=True)


def test_the_list_is_paginated_in_a_fixed_number_of_statements(db, issued, client, as_user,
                                                               count_queries, monkeypatch):
    d = issued()
    as_user(d.w.admin)
    monkeypatch.setattr(dq, "PAGE_SIZE", 3)
    with count_queries() as statements:
        first = client.get("/documents")
    assert first.status_code == 200
    assert "page 1 sur 3" in first.get_data(as_text=True)
    last = client.get("/documents", query_string={"page": 3}).get_data(as_text=True)
    assert last.count('<tr id="document-') == 2
    assert len(statements) <= 6
    monkeypatch.setattr(dq, "PAGE_SIZE", 50)
    with count_queries() as more:
        client.get("/documents")
    assert len(more) == len(statements)


def test_regenerating_gives_the_same_document_and_repairs_a_damaged_copy(
        db, issued, documents_of, client, as_user):
    d = issued(candidates=1)
    document = documents_of(d.w.enrolments[0])[1]
    original, sha = document.pdf, document.sha256
    document.pdf = original[:-20] + b"tampered-bytes-here\n"
    db.session.commit()
    as_user(d.w.admin)
    response = client.post(f"/documents/{document.id}/regenerer", follow_redirects=True)
    assert "à l&#39;identique" in response.get_data(as_text=True) or \
        "à l'identique" in response.get_data(as_text=True)
    db.session.expire_all()
    document = db.session.get(IssuedDocument, document.id)
    assert document.pdf == original and document.sha256 == sha
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "documents.regenerated"))
    assert event.new["identical"] and event.new["repaired"] and event.new["badge_identical"]


def test_a_bloc_no_longer_validated_loses_its_attestation(db, issued, documents_of):
    d = issued(candidates=1)
    enrolment = d.w.enrolments[0]
    documents = documents_of(enrolment)
    bloc2 = next(x for x in documents if x.block and x.block.number == 2)
    # As an appeal's re-deliberation leaves it (decided.apply): bloc 2 not validated.
    result = db.session.scalar(select(BlockResult).where(
        BlockResult.enrolment_id == enrolment.id, BlockResult.block_id == bloc2.block_id))
    result.outcome = BlockOutcome.NOT_VALIDATED
    db.session.scalar(select(TitleResult).where(
        TitleResult.enrolment_id == enrolment.id)).outcome = TitleOutcome.NOT_AWARDED
    db.session.flush()
    operations.after_redeliberation(d.w.admin, enrolment, minutes_id=1)
    db.session.commit()
    after = {(str(x.kind), x.block.number if x.block else None): x
             for x in documents_of(enrolment)}
    assert after[("bloc_attestation", 2)].revoked and after[("certificate", None)].revoked
    assert not after[("bloc_attestation", 1)].revoked
    assert not after[("bloc_attestation", 3)].revoked
    assert "recours" in after[("bloc_attestation", 2)].revocation_reason
    # Issuing again never makes a second attestation of bloc 2.
    assert len(operations.issue_documents(enrolment)) == 4
