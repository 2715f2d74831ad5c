"""The file types a deliverable may accept, each told by its bytes (libmagic through
python-magic), never by the name's extension: an HTML page renamed « .pdf » is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import magic

# libmagic recognises OOXML and OpenDocument by the first entries of the zip.
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extension: str
    mime: str


TYPES = {t.key: t for t in (
    FileType("pdf", "PDF", ".pdf", "application/pdf"),
    FileType("pptx", "PowerPoint (PPTX)", ".pptx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    FileType("odp", "OpenDocument (ODP)", ".odp",
             "application/vnd.oasis.opendocument.presentation"),
)}
BY_MIME = {t.mime: t for t in TYPES.values()}


def detect(stream: BinaryIO) -> tuple[FileType | None, str, int]:
    """(the known type or None, what libmagic says, how many bytes were read); the stream is
    rewound to its start."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head:
        return None, "", 0
    mime = magic.from_buffer(head, mime=True)
    return BY_MIME.get(mime), mime, len(head)


def labels(keys) -> str:
    """« PDF, PowerPoint (PPTX) »: the accepted types as the candidate reads them."""
    return ", ".join(TYPES[k].label for k in keys if k in TYPES)


def accept_attribute(keys) -> str:
    """The file input's ``accept``: the browser offers these types first."""
    return ",".join(f"{TYPES[k].mime},{TYPES[k].extension}" for k in keys if k in TYPES)
