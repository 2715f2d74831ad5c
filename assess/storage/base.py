"""The storage interface and its errors."""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_SIZE = 64 * 1024
# ab/cd/<64 hex>: the only shape a key can take, so a key can never escape the root.
KEY_PATTERN = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")


class StorageError(Exception):
    """Base class of the storage errors."""


class StorageConfigError(StorageError):
    """``STORAGE_URL`` names something this build cannot use."""


class TooLarge(StorageError):
    def __init__(self, max_bytes: int):
        super().__init__(f"stream exceeds {max_bytes} bytes")
        self.max_bytes = max_bytes


class EmptyFile(StorageError):
    def __init__(self):
        super().__init__("empty stream")


class InvalidKey(StorageError, KeyError):
    """A key that is not of the ``ab/cd/<sha256>`` shape."""


class HashedChunks:
    """The chunks of a stream, counted and hashed as they are read: ``TooLarge`` as soon as
    the limit is passed, ``EmptyFile`` at the end of an empty stream. Every backend writes
    what it iterates, so that the limit and the checksum are the same everywhere."""

    def __init__(self, stream: BinaryIO, max_bytes: int):
        self.stream = stream
        self.max_bytes = max_bytes
        self.size = 0
        self._hasher = hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.stream.read(CHUNK_SIZE):
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise TooLarge(self.max_bytes)
            self._hasher.update(chunk)
            yield chunk
        if self.size == 0:
            raise EmptyFile()

    @property
    def sha256(self) -> str:
        return self._hasher.hexdigest()


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    sha256: str


def key_for(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise InvalidKey(key)
    return key


class Storage(ABC):
    """Blobs written whole or not at all, addressed by their SHA-256."""

    @abstractmethod
    def save_stream(self, stream: BinaryIO, *, max_bytes: int) -> StoredBlob:
        """Copy ``stream`` in chunks; raise ``TooLarge`` / ``EmptyFile`` leaving nothing."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A binary file object to stream the blob out; the caller closes it."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the blob; deleting a missing key is not an error."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def modified_at(self, key: str):
        """When the blob was last written (naive UTC), None if absent. Saving identical
        bytes again rewrites it: what ``release_blobs`` relies on."""
