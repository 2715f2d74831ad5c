"""The upload is all or nothing: if the database part fails after the blob was written,
the blob is removed, unless another row uses the same (content-addressed) key."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from assess.submissions import operations
from assess.submissions.models import StoredFile
from assess.unit_of_work import perform


def failing_audit(*args, **kwargs):
    raise RuntimeError("database unavailable")


def test_blob_removed_when_the_database_part_fails(app, world, db, monkeypatch, pdf_bytes,
                                                    storage_files):
    w = world(candidates=1)
    monkeypatch.setattr(operations, "record", failing_audit)

    # The unit of work rolls back and undoes what the operation stored outside the database.
    with app.test_request_context(), pytest.raises(RuntimeError):
        perform(operations.upload, w.candidates[0], w.enrolments[0], w.session.exams[0],
                FileStorage(io.BytesIO(pdf_bytes), filename="memoire.pdf"))

    assert storage_files() == []
    assert db.session.scalars(select(StoredFile)).all() == []


def test_blob_kept_when_another_row_uses_it(app, world, db, monkeypatch, pdf_bytes,
                                            storage_root, upload_file):
    w = world(candidates=2)
    kept = upload_file(w.candidates[0], w.enrolments[0], w.session.exams[0], data=pdf_bytes)
    monkeypatch.setattr(operations, "record", failing_audit)

    with app.test_request_context(), pytest.raises(RuntimeError):
        perform(operations.upload, w.candidates[1], w.enrolments[1], w.session.exams[0],
                FileStorage(io.BytesIO(pdf_bytes), filename="copie.pdf"))

    assert (storage_root / kept.storage_key).read_bytes() == pdf_bytes


def test_operation_refuses_a_user_who_is_not_the_candidate(app, world, pdf_bytes):
    w = world(candidates=2)
    with app.test_request_context(), pytest.raises(PermissionError):
        operations.upload(w.candidates[1], w.enrolments[0], w.session.exams[0],
                          FileStorage(io.BytesIO(pdf_bytes), filename="memoire.pdf"))


@pytest.mark.parametrize(("given", "shown"), [
    ("Mémoire final.pdf", "Mémoire final.pdf"),
    ("../../etc/passwd.PDF", "passwd.pdf"),  # no path survives
    ("C:\\Users\\léa\\dossier.pdf", "dossier.pdf"),
    ("€€.pdf", "€€.pdf"),
    ("ملف المشروع.pdf", "ملف المشروع.pdf"),  # Arabic stays Arabic
    ("rapport 🚀.pdf", "rapport 🚀.pdf"),
    ("Me\u0301moire.pdf", "Mémoire.pdf"),  # combining accent, composed (NFC)
    ("a\x00b\x1fc<d>e:f|g?.pdf", "a_b_c_d_e_f_g_.pdf"),
    ("\u202egnp.pdf", "_gnp.pdf"),  # no right-to-left override to disguise the type
    ("....pdf", "depot.pdf"),  # nothing left of the name
    ("/", "depot.pdf"),
    ("dossier", "dossier.pdf"),
    ("x" * 300 + ".pdf", "x" * 200 + ".pdf"),
])
def test_display_name_is_sanitised(given, shown):
    assert operations.display_name(given) == shown


def test_blob_removed_when_the_commit_fails(world, as_user, post_upload, monkeypatch,
                                            storage_files):
    from assess.outbox import relay

    def failing_commit():
        raise RuntimeError("commit failed")

    w = world(candidates=1)
    as_user(w.candidates[0])
    monkeypatch.setattr(relay, "commit", failing_commit)

    with pytest.raises(RuntimeError):
        post_upload(w.session.exams[0].id)

    assert storage_files() == []
