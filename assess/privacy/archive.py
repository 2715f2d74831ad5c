"""The archive, written as it is sent (``stream-zip``): each section is a provider that
yields ``(path in the zip, bytes or an iterator of bytes)``; files come from the storage in
chunks, so that neither the archive nor any file in it is ever whole in memory.

``SECTIONS`` is the list of providers, one per kind of data (``sections.py``): a feature
that holds more about candidates adds its provider there."""

from __future__ import annotations

import json
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from enum import Enum

from stream_zip import ZIP_64, stream_zip

from ..core.columns import utcnow
from ..storage import get_storage
from ..storage.base import CHUNK_SIZE

Content = bytes | Iterable[bytes]
Entry = tuple[str, Content]
Provider = Callable[[object], Iterable[Entry]]

MODE = stat.S_IFREG | 0o600
_UNSAFE = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069]')
NAME_MAX = 120


def safe_part(text: str | None, fallback: str = "fichier") -> str:
    """One path segment from a name someone typed: no separator, no control character,
    no leading dot (``..`` cannot climb out of the archive's folder)."""
    name = unicodedata.normalize("NFC", text or "")
    name = _UNSAFE.sub("_", name.replace("/", "_")).strip().strip(".").strip()
    return name[:NAME_MAX].strip() or fallback


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain).encode()


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"{type(value).__name__} is not exported")


def blob_chunks(key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The blob's bytes, read from the storage one chunk at a time when the zip asks for
    them (the file is opened then, and closed at its end)."""
    with get_storage().open(key) as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def entries(scope, sections: Iterable[Provider]) -> Iterator[Entry]:
    """Every entry of every section, under unique paths (a second file of one name is
    kept, numbered)."""
    seen: set[str] = set()
    for provider in sections:
        for path, content in provider(scope):
            unique, n = path, 1
            while unique in seen:
                n += 1
                stem, dot, ext = path.rpartition(".")
                unique = f"{stem}-{n}.{ext}" if dot and "/" not in ext else f"{path}-{n}"
            seen.add(unique)
            yield unique, content


def archive_chunks(scope, sections: Iterable[Provider]) -> Iterator[bytes]:
    """The zip's bytes, produced as the client reads them."""
    now = utcnow()

    def members():
        for path, content in entries(scope, sections):
            chunks = (content,) if isinstance(content, bytes | bytearray) else content
            yield path, now, MODE, ZIP_64, chunks

    return stream_zip(members())
