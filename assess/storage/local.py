"""Blobs on the local disk, under one root directory."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from .base import HashedChunks, Storage, StoredBlob, check_key, key_for

TEMP_PREFIX = ".upload-"


class LocalStorage(Storage):
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        return self.root / check_key(key)

    def save_stream(self, stream: BinaryIO, *, max_bytes: int) -> StoredBlob:
        self.root.mkdir(parents=True, exist_ok=True)
        # Temp file under the root: same file system, so the final rename is atomic.
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=TEMP_PREFIX, suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                size, digest = _copy(stream, out, max_bytes)
                out.flush()
                os.fsync(out.fileno())
            key = key_for(digest)
            final = self.root / key
            final.parent.mkdir(parents=True, exist_ok=True)
            # Same key means same bytes: replacing an existing blob changes nothing.
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredBlob(key=key, size=size, sha256=digest)

    def open(self, key: str) -> BinaryIO:
        return open(self.path_for(key), "rb")

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def modified_at(self, key: str):
        try:
            mtime = self.path_for(key).stat().st_mtime
        except FileNotFoundError:
            return None
        return datetime.fromtimestamp(mtime, UTC).replace(tzinfo=None)


def _copy(stream: BinaryIO, out: BinaryIO, max_bytes: int) -> tuple[int, str]:
    chunks = HashedChunks(stream, max_bytes)
    for chunk in chunks:
        out.write(chunk)
    return chunks.size, chunks.sha256


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
