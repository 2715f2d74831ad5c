"""LocalStorage: chunked hashing, size limit during the copy, atomic content-addressed keys."""

from __future__ import annotations

import hashlib
import io
import os
import re

import pytest

from assess.storage import EmptyFile, LocalStorage, StoredBlob, TooLarge
from assess.storage.base import CHUNK_SIZE, InvalidKey


class CountingStream(io.BytesIO):
    """Records the size of every read, to show the copy is chunked and stops early."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.reads: list[int] = []
        self.consumed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.reads.append(size)
        self.consumed += len(chunk)
        return chunk


def files_under(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "files")


def test_large_stream_is_hashed_in_chunks(storage):
    data = os.urandom(3 * 1024 * 1024 + 123)
    stream = CountingStream(data)

    blob = storage.save_stream(stream, max_bytes=10 * 1024 * 1024)

    digest = hashlib.sha256(data).hexdigest()
    assert blob == StoredBlob(key=f"{digest[:2]}/{digest[2:4]}/{digest}", size=len(data),
                              sha256=digest)
    assert all(size == CHUNK_SIZE == 64 * 1024 for size in stream.reads)
    assert len(stream.reads) > len(data) // CHUNK_SIZE
    assert (storage.root / blob.key).read_bytes() == data
    assert files_under(storage.root) == [storage.root / blob.key]  # no temp file left


def test_key_layout_is_content_addressed(storage):
    blob = storage.save_stream(io.BytesIO(b"%PDF-1.4 hello"), max_bytes=1000)

    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}", blob.key)
    first, second, name = blob.key.split("/")
    assert (first, second) == (name[:2], name[2:4])
    assert storage.exists(blob.key)


def test_same_content_gives_the_same_key_once(storage):
    a = storage.save_stream(io.BytesIO(b"same bytes"), max_bytes=100)
    b = storage.save_stream(io.BytesIO(b"same bytes"), max_bytes=100)

    assert a == b
    assert files_under(storage.root) == [storage.root / a.key]


def test_too_large_stops_during_the_copy_and_leaves_nothing(storage):
    stream = CountingStream(b"x" * (5 * 1024 * 1024))

    with pytest.raises(TooLarge) as excinfo:
        storage.save_stream(stream, max_bytes=100 * 1024)

    assert excinfo.value.max_bytes == 100 * 1024
    assert stream.consumed <= 100 * 1024 + CHUNK_SIZE  # stopped, did not read it all
    assert files_under(storage.root) == []


def test_exact_limit_is_accepted(storage):
    blob = storage.save_stream(io.BytesIO(b"x" * 1000), max_bytes=1000)
    assert blob.size == 1000


def test_empty_stream_is_refused_and_leaves_nothing(storage):
    with pytest.raises(EmptyFile):
        storage.save_stream(io.BytesIO(b""), max_bytes=1000)
    assert files_under(storage.root) == []


def test_failed_rename_leaves_no_partial_file(storage, monkeypatch):
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        storage.save_stream(io.BytesIO(b"%PDF-1.4 data"), max_bytes=1000)
    assert files_under(storage.root) == []


def test_open_exists_delete(storage):
    blob = storage.save_stream(io.BytesIO(b"%PDF-1.4 data"), max_bytes=1000)

    with storage.open(blob.key) as fh:
        assert fh.read() == b"%PDF-1.4 data"
    storage.delete(blob.key)
    assert not storage.exists(blob.key)
    storage.delete(blob.key)  # deleting twice is not an error
    with pytest.raises(FileNotFoundError):
        storage.open(blob.key)


@pytest.mark.parametrize("key", [
    "../../etc/passwd", "ab/cd/../../../x", "/etc/passwd", "ab/cd/" + "g" * 64,
    "AB/CD/" + "a" * 64, "",
])
def test_keys_outside_the_layout_are_refused(storage, key):
    for operation in (storage.open, storage.delete, storage.exists):
        with pytest.raises(InvalidKey):
            operation(key)
