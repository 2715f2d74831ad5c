"""The purge: what is past its period goes (files, observations, health documents), is
recorded, and a second run purges nothing; PVs and awards never go, nor a blob another row
still uses, nor anything of a session too recent or of an open appeal."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from assess.accommodations.models import Accommodation
from assess.audit.models import AuditEvent
from assess.core.columns import utcnow
from assess.decisions.models import Appeal, BlockDecision, LevelDecision, Minutes
from assess.grading.models import CriterionMark, GradingSheet
from assess.results.models import BlockResult, TitleResult
from assess.retention import operations, tasks
from assess.retention.models import RetentionKind, RetentionPurge
from assess.storage import get_storage
from assess.submissions.models import StoredFile, Submission

HEALTH = b"%PDF-1.4 certificat medical"


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _awards(db) -> tuple:
    minutes = db.session.scalars(select(Minutes).order_by(Minutes.id)).all()
    return (_count(db, BlockDecision), _count(db, LevelDecision), _count(db, BlockResult),
            _count(db, TitleResult), [(m.id, m.sealed_sha256, m.content_sha256) for m in minutes])


def _levels(db) -> list:
    return db.session.execute(select(CriterionMark.id, CriterionMark.level)
                              .order_by(CriterionMark.id)).all()


def _with_documents(db, d, hand_in):
    w = d.w
    files = [hand_in(e, w.session.exams[0], f"%PDF-1.4 copie {e.id}".encode(), "copie.pdf")
             for e in w.enrolments]
    blob = get_storage().save_stream(io.BytesIO(HEALTH), max_bytes=999)
    db.session.add(Accommodation(enrolment_id=w.enrolments[0].id, extra_time_percent=20,
                                 document_key=blob.key, document_sha256=blob.sha256,
                                 document_name="certificat.pdf", document_size=blob.size))
    sheet = db.session.scalars(select(GradingSheet)).first()
    sheet.overall_comment = "Bon travail d'ensemble."
    db.session.commit()
    return files, blob.key


def test_a_recent_session_keeps_everything(db, published, hand_in, later):
    d = published()
    files, key = _with_documents(db, d, hand_in)
    purges, deleted = tasks.run(None, later())
    assert purges == [] and deleted == 0
    assert _count(db, StoredFile) == len(files) and _count(db, RetentionPurge) == 0
    assert get_storage().exists(key)


def test_an_old_session_is_purged_once_recorded_and_its_awards_kept(db, published, hand_in,
                                                                    age, later):
    d = published()
    files, health_key = _with_documents(db, d, hand_in)
    age(d.w.session, 400)  # past the 12 months of the defaults
    awards, levels = _awards(db), _levels(db)
    versions = db.session.execute(select(GradingSheet.id, GradingSheet.version)
                                  .order_by(GradingSheet.id)).all()
    keys, shas = [f.storage_key for f in files], {f.sha256 for f in files}

    purges, deleted = tasks.run(None, later())
    db.session.expire_all()
    assert {p.kind for p in purges} == {RetentionKind.PAPERS, RetentionKind.OBSERVATIONS,
                                        RetentionKind.HEALTH_DOCUMENTS}
    assert _count(db, StoredFile) == 0 and _count(db, Submission) == len(keys)
    assert deleted == 3 and not any(get_storage().exists(k) for k in [*keys, health_key])
    # Observations emptied, levels (what the decision rests on) kept, sheets' versions too.
    assert {m.observation for m in db.session.scalars(select(CriterionMark))} == {""}
    assert {s.overall_comment for s in db.session.scalars(select(GradingSheet))} == {""}
    assert _levels(db) == levels
    assert db.session.execute(select(GradingSheet.id, GradingSheet.version)
                              .order_by(GradingSheet.id)).all() == versions
    accommodation = db.session.scalar(select(Accommodation))
    assert accommodation.document_key is None and accommodation.extra_time_percent == 20
    # Never a PV, a decision or a result.
    assert _awards(db) == awards
    # The record: what went, when, by whom (the task), kept once the data is gone.
    papers = next(p for p in purges if p.kind == RetentionKind.PAPERS)
    assert papers.item_count == 2 and papers.actor_id is None
    assert {i["sha256"] for i in papers.items} == shas
    assert papers.pending_keys is None and papers.blobs_deleted == 2
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "retention.purged")) == 3

    # Idempotent: a second run finds nothing and records nothing.
    again, deleted_again = tasks.run(None, later())
    assert again == [] and deleted_again == 0 and _count(db, RetentionPurge) == 3
    assert operations.plan(later()) == []


def test_a_blob_another_row_uses_is_never_deleted(db, published, hand_in, world, age, later):
    d = published()
    old = hand_in(d.w.enrolments[0], d.w.session.exams[0], b"%PDF-1.4 meme contenu")
    age(d.w.session, 400)
    # Another session, still running: the same bytes handed in, and as a health document.
    w = world(candidates=1, jurors=1)
    live = hand_in(w.enrolments[0], w.session.exams[0], b"%PDF-1.4 meme contenu")
    assert live.storage_key == old.storage_key
    shared = hand_in(d.w.enrolments[1], d.w.session.exams[0], HEALTH)
    blob = get_storage().save_stream(io.BytesIO(HEALTH), max_bytes=999)
    db.session.add(Accommodation(enrolment_id=w.enrolments[0].id, document_key=blob.key,
                                 document_sha256=blob.sha256, document_name="c.pdf",
                                 document_size=blob.size))
    db.session.commit()
    assert shared.storage_key == blob.key
    key, live_id = old.storage_key, live.id

    purges, deleted = tasks.run(None, later())
    papers = next(p for p in purges if p.kind == RetentionKind.PAPERS)
    assert papers.item_count == 2 and deleted == 0
    assert get_storage().exists(key) and get_storage().exists(blob.key)
    assert db.session.get(StoredFile, live_id) is not None
    assert papers.pending_keys is None  # the other rows own those blobs now


def test_a_recent_blob_waits_for_a_later_run(db, published, hand_in, age):
    d = published()
    stored = hand_in(d.w.enrolments[0], d.w.session.exams[0], b"%PDF-1.4 tout frais")
    key = stored.storage_key
    age(d.w.session, 400)
    purges, deleted = tasks.run(None)  # the blob was written seconds ago: the grace spares it
    papers = next(p for p in purges if p.kind == RetentionKind.PAPERS)
    assert deleted == 0 and papers.pending_keys == [key]
    assert get_storage().exists(key)
    assert operations.release_pending(utcnow() + timedelta(hours=2)) == 1
    db.session.commit()
    assert not get_storage().exists(key)
    assert db.session.get(RetentionPurge, papers.id).pending_keys is None


def test_an_open_appeal_keeps_the_candidates_papers(db, published, hand_in, age, later):
    d = published()
    mine = hand_in(d.w.enrolments[0], d.w.session.exams[0], b"%PDF-1.4 en recours")
    theirs = hand_in(d.w.enrolments[1], d.w.session.exams[0], b"%PDF-1.4 sans recours")
    mine_id, theirs_id = mine.id, theirs.id
    db.session.add(Appeal(enrolment_id=d.w.enrolments[0].id, reason="Je conteste.",
                          filed_by_id=d.w.candidates[0].id))
    db.session.commit()
    age(d.w.session, 400)
    tasks.run(None, later())
    db.session.expire_all()
    assert db.session.get(StoredFile, mine_id) is not None
    assert db.session.get(StoredFile, theirs_id) is None


def test_periods_are_the_certifiers_and_change_what_is_due(db, published, hand_in, age, later):
    d = published()
    hand_in(d.w.enrolments[0], d.w.session.exams[0])
    age(d.w.session, 100)  # within 12 months
    assert operations.plan(later()) == []
    operations.update_periods(d.w.admin, {"papers": 2})
    db.session.commit()
    assert [p.kind for p in operations.plan(later())] == [RetentionKind.PAPERS]
