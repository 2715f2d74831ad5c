"""Hostile hand-ins: a chunked body with no Content-Length, a polyglot (a PDF header on a
ZIP), a thousand form parts, a megabyte form field, a disk that fills up mid-upload:
each answers with a clear page and stores nothing half-way."""

from __future__ import annotations

import errno
import gc
import html
import io
import zipfile

import pytest
from sqlalchemy import func, select

from assess.submissions.models import StoredFile, Submission
from tests.assess.submissions.pdfs import readable_pdf


def multipart(fields: list[tuple[str, str | tuple[str, bytes]]]) -> tuple[bytes, str]:
    boundary = "----assess-test-boundary"
    out = io.BytesIO()
    for name, value in fields:
        out.write(f"--{boundary}\r\n".encode())
        if isinstance(value, tuple):
            filename, data = value
            out.write(f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
                      f"\r\nContent-Type: application/pdf\r\n\r\n".encode())
            out.write(data)
        else:
            out.write(f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode())
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def nothing_stored(db, storage_files) -> bool:
    return (db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
            and db.session.scalar(select(func.count()).select_from(Submission)) == 0
            and storage_files() == [])


@pytest.fixture
def target(world, as_user):
    w = world(candidates=1)
    as_user(w.candidates[0])
    return f"/candidat/epreuves/{w.session.exams[2].id}/depot/dossier"


def test_a_chunked_body_without_length_is_stored_whole(target, client, db):
    body, ctype = multipart([("file", ("dossier.pdf", readable_pdf()))])
    # As a WSGI server that reads chunked bodies says it (waitress, gunicorn).
    response = client.post(target, input_stream=io.BytesIO(body), content_type=ctype,
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 302
    stored = db.session.scalars(select(StoredFile)).one()
    assert stored.size == len(readable_pdf())


# Werkzeug stops reading mid-part and leaves its spooled part to the garbage collector:
# collected here, so that its warning is not reported in some later test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                            "ignore::ResourceWarning")
def test_a_chunked_body_over_the_limit_is_refused(app, target, client, db, storage_files):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    body, ctype = multipart([("file", ("dossier.pdf", b"%PDF-1.4\n" + b"0" * 200_000))])
    response = client.post(target, input_stream=io.BytesIO(body), content_type=ctype,
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert "taille autorisée" in html.unescape(response.get_data(as_text=True))
    assert nothing_stored(db, storage_files)
    gc.collect()


def test_a_polyglot_is_taken_for_a_pdf_then_refused_by_the_check(app, target, client, db):
    """A PDF header on a ZIP passes the type test (its first bytes say PDF); the worker's
    pypdf check is what refuses it."""
    app.config["PDF_CHECK"] = True
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    polyglot = b"%PDF-1.4\n" + archive.getvalue()
    body, ctype = multipart([("file", ("dossier.pdf", polyglot))])
    assert client.post(target, data=body, content_type=ctype).status_code == 302
    stored = db.session.scalars(select(StoredFile)).one()
    db.session.refresh(stored)
    assert stored.check_status == "refused"
    assert "illisible" in html.unescape(client.get("/candidat/").get_data(as_text=True))


def test_a_thousand_form_parts_are_refused(target, client, db, storage_files):
    fields = [(f"f{i}", "x") for i in range(1_001)] + [("file", ("d.pdf", readable_pdf()))]
    body, ctype = multipart(fields)
    response = client.post(target, data=body, content_type=ctype)
    assert response.status_code == 413
    assert nothing_stored(db, storage_files)


def test_a_megabyte_form_field_is_refused(target, client, db, storage_files):
    body, ctype = multipart([("note", "x" * (1024 * 1024)), ("file", ("d.pdf", readable_pdf()))])
    response = client.post(target, data=body, content_type=ctype)
    assert response.status_code == 413
    assert nothing_stored(db, storage_files)


def test_a_full_disk_mid_upload_stores_nothing(target, client, db, storage_files, monkeypatch):
    """The staging file's write fails with ENOSPC half-way: a clear page, no temp file,
    no blob, no row."""
    from assess.storage import local

    real_fdopen = local.os.fdopen

    class FillsUp:
        def __init__(self, raw):
            self.raw, self.written = raw, 0

        def write(self, data):
            self.written += len(data)
            if self.written > 64 * 1024:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.raw.write(data)

        def __getattr__(self, name):
            return getattr(self.raw, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.raw.close()

    monkeypatch.setattr(local.os, "fdopen", lambda fd, mode: FillsUp(real_fdopen(fd, mode)))
    body, ctype = multipart([("file", ("dossier.pdf", b"%PDF-1.4\n" + b"0" * 300_000))])
    response = client.post(target, data=body, content_type=ctype)
    assert response.status_code == 507
    page = html.unescape(response.get_data(as_text=True))
    assert "l'espace de stockage du serveur est plein" in page
    assert nothing_stored(db, storage_files)


@pytest.fixture
def tiny_disk(tmp_path):
    """A real file system of 256 KiB (tmpfs), mounted for the test and unmounted after."""
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); "
                    "test_a_full_disk_mid_upload_stores_nothing covers the same path")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_real_full_disk_stores_nothing(app, world, as_user, client, db, tiny_disk):
    from assess.storage import get_storage

    app.config["STORAGE_URL"] = f"file://{tiny_disk}"
    w = world(candidates=1)
    as_user(w.candidates[0])
    body, ctype = multipart([("file", ("dossier.pdf", b"%PDF-1.4\n" + b"0" * 400_000))])
    response = client.post(f"/candidat/epreuves/{w.session.exams[2].id}/depot/dossier",
                           data=body, content_type=ctype)
    assert response.status_code == 507
    assert list(tiny_disk.rglob("*")) == [] or all(p.is_dir() for p in tiny_disk.rglob("*"))
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert get_storage() is not None
