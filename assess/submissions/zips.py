"""A zip written as it is sent: entries are read from the storage in chunks and the
archive's bytes are yielded as soon as zipfile writes them (nothing whole in memory)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator

CHUNK = 256 * 1024


class _Pipe:
    """A write-only file whose written bytes are taken by the generator."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def zip_stream(entries: Iterable[tuple[str, object, bool]],
               opener: Callable[[object, bool], object]) -> Iterator[bytes]:
    """``entries``: (path in the zip, item, flag); ``opener(item, flag)`` gives a binary
    file object. PDFs are already compressed: entries are stored, not deflated."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        for path, item, flag in entries:
            with opener(item, flag) as source, z.open(path, "w", force_zip64=True) as out:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                    if pipe.offset and pipe.parts:
                        yield pipe.take()
            yield pipe.take()
    yield pipe.take()
