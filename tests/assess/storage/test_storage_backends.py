"""Both backends (local disk, S3 over real HTTP to moto) keep the Storage contract:
content-addressed keys, whole blobs or nothing, streaming both ways."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tracemalloc

import flask
import pytest

from assess.storage import EmptyFile, StoredBlob, TooLarge
from assess.storage.base import CHUNK_SIZE, InvalidKey, key_for

MiB = 1024 * 1024


class GeneratedStream:
    """``size`` random bytes made on the fly, hashed as they go out: never the whole
    buffer in memory. Optionally raises ``OSError`` once ``fail_after`` bytes are out."""

    def __init__(self, size: int, fail_after: int | None = None):
        self.remaining = size
        self.fail_after = fail_after
        self.consumed = 0
        self.hasher = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size > 0, "the whole stream was asked for at once"
        if self.fail_after is not None and self.consumed >= self.fail_after:
            raise OSError("connection reset by peer")
        chunk = os.urandom(min(size, self.remaining))
        self.remaining -= len(chunk)
        self.consumed += len(chunk)
        self.hasher.update(chunk)
        return chunk

    @property
    def sha256(self) -> str:
        return self.hasher.hexdigest()


class HashingSink:
    def __init__(self):
        self.hasher = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        self.size += len(data)
        return len(data)


def read_back(storage, key: str) -> tuple[int, str]:
    """Size and SHA-256 of a blob, streamed out in chunks."""
    sink = HashingSink()
    with storage.open(key) as fh:
        shutil.copyfileobj(fh, sink, CHUNK_SIZE)
    return sink.size, sink.hasher.hexdigest()


def test_save_then_open_gives_the_same_bytes(any_storage, held):
    data = os.urandom(300 * 1024 + 7)

    blob = any_storage.save_stream(io.BytesIO(data), max_bytes=MiB)

    digest = hashlib.sha256(data).hexdigest()
    assert blob == StoredBlob(key=key_for(digest), size=len(data), sha256=digest)
    with any_storage.open(blob.key) as fh:
        assert fh.read() == data
    assert any_storage.exists(blob.key)
    assert held() == [blob.key]


def test_open_gives_a_file_object(any_storage):
    data = b"%PDF-1.4 " + os.urandom(200 * 1024)
    blob = any_storage.save_stream(io.BytesIO(data), max_bytes=MiB)

    fh = any_storage.open(blob.key)
    assert fh.read(9) == b"%PDF-1.4 "
    assert fh.read(1000) == data[9:1009]
    rest = io.BytesIO()
    shutil.copyfileobj(fh, rest)
    assert rest.getvalue() == data[1009:]
    assert fh.read(10) == b""
    fh.close()
    assert fh.closed
    with any_storage.open(blob.key) as fh:
        assert fh.read() == data
    assert fh.closed


@pytest.mark.parametrize("conditional", [True, False])
def test_send_file_streams_a_blob_and_closes_it(any_storage, conditional):
    data = os.urandom(MiB + 5)
    blob = any_storage.save_stream(io.BytesIO(data), max_bytes=2 * MiB)
    opened = []
    app = flask.Flask("storage-test")

    @app.get("/blob")
    def download():
        fh = any_storage.open(blob.key)
        opened.append(fh)
        return flask.send_file(fh, mimetype="application/pdf", as_attachment=True,
                               download_name="memoire.pdf", conditional=conditional,
                               etag=False)

    response = app.test_client().get("/blob")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Disposition"] == "attachment; filename=memoire.pdf"
    response.close()
    assert opened and opened[0].closed


def test_same_bytes_twice_give_one_blob(any_storage, held):
    a = any_storage.save_stream(io.BytesIO(b"same bytes"), max_bytes=100)
    b = any_storage.save_stream(io.BytesIO(b"same bytes"), max_bytes=100)

    assert a == b
    assert held() == [a.key]


def test_same_large_bytes_twice_give_one_blob(any_storage, held):
    data = os.urandom(9 * MiB)  # more than a multipart part

    a = any_storage.save_stream(io.BytesIO(data), max_bytes=10 * MiB)
    b = any_storage.save_stream(io.BytesIO(data), max_bytes=10 * MiB)

    assert a == b
    assert held() == [a.key]  # the second staging object was deleted
    assert read_back(any_storage, a.key) == (len(data), a.sha256)


@pytest.mark.parametrize("size, limit", [
    (200 * 1024, 100 * 1024),  # stopped within the first part
    (12 * MiB, 10 * MiB),  # stopped after a part was uploaded
])
def test_too_large_leaves_nothing(any_storage, held, size, limit):
    stream = GeneratedStream(size)

    with pytest.raises(TooLarge) as excinfo:
        any_storage.save_stream(stream, max_bytes=limit)

    assert excinfo.value.max_bytes == limit
    assert stream.consumed <= limit + CHUNK_SIZE  # stopped, did not read it all
    assert held() == []  # no temp file, no staging object, no incomplete multipart upload


@pytest.mark.parametrize("size", [100, 8 * MiB])  # 8 MiB: exactly one multipart part
def test_exact_limit_is_accepted(any_storage, held, size):
    stream = GeneratedStream(size)

    blob = any_storage.save_stream(stream, max_bytes=size)

    assert (blob.size, blob.sha256) == (size, stream.sha256)
    assert held() == [blob.key]


def test_empty_stream_leaves_nothing(any_storage, held):
    with pytest.raises(EmptyFile):
        any_storage.save_stream(io.BytesIO(b""), max_bytes=1000)
    assert held() == []


def test_stream_failing_midway_leaves_nothing(any_storage, held):
    stream = GeneratedStream(30 * MiB, fail_after=10 * 1000 * 1000)

    with pytest.raises(OSError, match="connection reset"):
        any_storage.save_stream(stream, max_bytes=50 * MiB)

    assert stream.consumed >= 10 * 1000 * 1000  # a part was on its way
    assert held() == []


def test_thirty_megabytes_round_trip(any_storage, held):
    stream = GeneratedStream(30 * MiB + 12345)

    blob = any_storage.save_stream(stream, max_bytes=40 * MiB)

    assert (blob.size, blob.sha256) == (30 * MiB + 12345, stream.sha256)
    assert blob.key == key_for(stream.sha256)
    assert held() == [blob.key]
    assert read_back(any_storage, blob.key) == (blob.size, blob.sha256)


def test_exists_and_delete(any_storage, held):
    blob = any_storage.save_stream(io.BytesIO(b"to be deleted"), max_bytes=100)
    assert any_storage.exists(blob.key)

    any_storage.delete(blob.key)

    assert not any_storage.exists(blob.key)
    assert held() == []
    any_storage.delete(blob.key)  # deleting a missing key is not an error
    any_storage.delete(key_for("0" * 64))


def test_open_of_a_missing_key_is_file_not_found(any_storage):
    with pytest.raises(FileNotFoundError):
        any_storage.open(key_for("ab" * 32))
    assert not any_storage.exists(key_for("ab" * 32))


@pytest.mark.parametrize("key", [
    "../../etc/passwd", "ab/cd/../../../x", "/etc/passwd", "ab/cd/" + "g" * 64,
    "AB/CD/" + "a" * 64, "", ".staging/" + "a" * 32, "ab/cd/" + "a" * 64 + "/",
])
def test_keys_outside_the_layout_are_refused(any_storage, key):
    for operation in (any_storage.open, any_storage.delete, any_storage.exists):
        with pytest.raises(InvalidKey):
            operation(key)


# S3 only -------------------------------------------------------------------------------


def test_s3_parts_are_uploaded_as_they_fill(s3_storage, s3_client):
    """8 MiB parts, each sent before the stream is read further: memory stays flat."""
    stream = GeneratedStream(20 * MiB)
    parts = []

    def record(params, **kwargs):
        parts.append((params["PartNumber"], len(params["Body"]), stream.consumed))

    s3_client.meta.events.register("before-parameter-build.s3.UploadPart", record)
    try:
        blob = s3_storage.save_stream(stream, max_bytes=20 * MiB)
    finally:
        s3_client.meta.events.unregister("before-parameter-build.s3.UploadPart", record)

    assert blob.sha256 == stream.sha256
    assert parts == [(1, 8 * MiB, 8 * MiB), (2, 8 * MiB, 16 * MiB), (3, 4 * MiB, 20 * MiB)]


def test_s3_small_blob_is_put_under_its_key(s3_storage, s3_client):
    blob = s3_storage.save_stream(io.BytesIO(b"small"), max_bytes=100)

    head = s3_client.head_object(Bucket=s3_storage.bucket, Key=f"assess/files/{blob.key}")
    assert head["ContentLength"] == 5


def test_s3_without_prefix(s3_client, s3_bucket, listing):
    from assess.storage.s3 import S3Storage

    storage = S3Storage(s3_bucket, "", s3_client)
    small = storage.save_stream(io.BytesIO(b"at the root"), max_bytes=100)
    large = storage.save_stream(GeneratedStream(9 * MiB), max_bytes=10 * MiB)

    assert listing(storage) == sorted([small.key, large.key])
    assert read_back(storage, large.key) == (large.size, large.sha256)


def test_s3_failed_copy_leaves_nothing(s3_storage, s3_client, listing, monkeypatch):
    def broken_copy(**kwargs):
        raise OSError("connection lost during the copy")

    monkeypatch.setattr(s3_client, "copy_object", broken_copy)
    with pytest.raises(OSError, match="during the copy"):
        s3_storage.save_stream(GeneratedStream(9 * MiB), max_bytes=10 * MiB)
    assert listing(s3_storage) == []


@pytest.mark.parametrize("any_storage", ["s3"], indirect=True)
def test_s3_objects_above_the_copy_limit_are_copied_by_parts(any_storage, held, monkeypatch):
    from assess.storage import s3

    monkeypatch.setattr(s3, "MAX_COPY_BYTES", 10 * MiB)
    monkeypatch.setattr(s3, "COPY_PART_SIZE", 5 * MiB)
    stream = GeneratedStream(17 * MiB + 3)

    blob = any_storage.save_stream(stream, max_bytes=20 * MiB)

    assert held() == [blob.key]
    assert read_back(any_storage, blob.key) == (17 * MiB + 3, stream.sha256)


@pytest.mark.slow
def test_s3_200_mb_upload_keeps_memory_flat(s3_storage, listing, record_property):
    size = 200 * MiB
    stream = GeneratedStream(size)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        blob = s3_storage.save_stream(stream, max_bytes=size)
        _, upload_peak = tracemalloc.get_traced_memory()

        tracemalloc.reset_peak()
        before_read, _ = tracemalloc.get_traced_memory()
        read = read_back(s3_storage, blob.key)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    upload_growth, read_growth = upload_peak - before, read_peak - before_read
    record_property("upload_peak_growth_mib", round(upload_growth / MiB, 1))
    record_property("read_peak_growth_mib", round(read_growth / MiB, 1))
    print(f"200 MB: peak growth {upload_growth / MiB:.1f} MiB saving, "
          f"{read_growth / MiB:.1f} MiB reading back")
    assert (blob.size, blob.sha256) == (size, stream.sha256)
    assert read == (size, stream.sha256)
    assert listing(s3_storage) == [blob.key]
    assert upload_growth < 64 * MiB
    assert read_growth < 64 * MiB


def test_saving_identical_bytes_again_refreshes_the_blob_time(any_storage):
    """What ``submissions.operations.release_blobs`` relies on: an upload in flight of the
    same bytes makes the blob recent again, so it is not released under it."""
    import datetime as dt
    import time

    blob = any_storage.save_stream(io.BytesIO(b"%PDF-1.4 shared"), max_bytes=1 << 20)
    first = any_storage.modified_at(blob.key)
    assert first is not None and abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - first) < (
        dt.timedelta(minutes=5))
    time.sleep(1.1)  # S3's times have a one-second resolution
    any_storage.save_stream(io.BytesIO(b"%PDF-1.4 shared"), max_bytes=1 << 20)
    assert any_storage.modified_at(blob.key) > first
    any_storage.delete(blob.key)
    assert any_storage.modified_at(blob.key) is None
