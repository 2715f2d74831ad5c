"""Blobs are shared by identical contents: whatever deletes files later (retention,
erasure) releases a blob only once no row points at it, and never one written within the
grace period (an identical upload may be about to commit its row)."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from sqlalchemy import delete, select

from assess.core.columns import utcnow
from assess.submissions.models import StoredFile
from assess.submissions.operations import BLOB_GRACE, release_blobs


def test_a_shared_blob_goes_with_its_last_row_only(world, as_user, post_upload, db,
                                                   storage_root):
    w = world(candidates=2)
    for candidate in w.candidates:  # two candidates, the same bytes
        as_user(candidate)
        post_upload(w.session.exams[0].id, data=b"%PDF-1.4 same bytes")
    first, second = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    assert first.storage_key == second.storage_key
    key, blob = first.storage_key, storage_root / first.storage_key
    old = time.time() - 2 * BLOB_GRACE.total_seconds()
    os.utime(blob, (old, old))

    db.session.execute(delete(StoredFile).where(StoredFile.id == first.id))
    db.session.commit()
    assert release_blobs([key]) == [] and blob.exists()  # the other row still uses it

    db.session.execute(delete(StoredFile).where(StoredFile.id == second.id))
    db.session.commit()
    assert release_blobs([key]) == [key] and not blob.exists()
    assert release_blobs([key]) == []  # gone already: nothing to do


def test_a_recent_blob_is_spared(world, as_user, post_upload, db, storage_root):
    w = world(candidates=1)
    as_user(w.candidates[0])
    post_upload(w.session.exams[0].id)
    stored = db.session.scalars(select(StoredFile)).one()
    key = stored.storage_key
    db.session.execute(delete(StoredFile))
    db.session.commit()
    assert release_blobs([key]) == [] and (storage_root / key).exists()
    assert release_blobs([key], now=utcnow() + BLOB_GRACE + timedelta(minutes=1)) == [key]
