"""Benchmark 3: a candidate's PDF through the storage layer, streamed and hashed.

``LocalStorage.save_stream`` copies the upload in chunks to a temp file under the
storage root while hashing it (SHA-256), fsyncs it, and renames it to its content
address. The BASELINE is the least a copy can do: ``shutil.copyfileobj`` from the same
temp file into a file whose ``write`` also feeds ``hashlib.sha256`` (one pass, no fsync,
no rename). A third row adds the fsync to the baseline, to show where the overhead goes.
Peak Python memory (``tracemalloc``, measured in separate untimed runs) shows that the
upload is streamed: it stays a few chunks, far below the file size.

Run alone: ``python -m benchmarks.upload [--quick]``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .harness import Timing, best_of, ms, parse_args, ratio, repeats_for, table

MIB = 1024 * 1024
FULL_SIZE = 20 * MIB
QUICK_SIZE = 2 * MIB


@dataclass
class UploadBenchmark:
    size: int
    baseline: Timing
    baseline_fsync: Timing
    storage: Timing
    expected_sha256: str  # hashlib over the whole file
    baseline_sha256: str
    storage_sha256: str
    stored_size: int
    baseline_peak: int  # bytes, tracemalloc
    storage_peak: int

    @property
    def overhead(self) -> float:
        """time(save_stream) / time(copyfileobj + sha256)."""
        return ratio(self.storage.best, self.baseline.best)


class _HashingWriter:
    """A file-like target for copyfileobj that hashes what it writes."""

    def __init__(self, out):
        self.out = out
        self.hasher = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        return self.out.write(data)


def make_pdf(path: Path, size: int) -> None:
    """A file of ``size`` bytes that starts like a PDF, written 1 MiB at a time."""
    header = b"%PDF-1.7\n"
    with open(path, "wb") as out:
        out.write(header)
        left = size - len(header)
        while left > 0:
            chunk = os.urandom(min(MIB, left))
            out.write(chunk)
            left -= len(chunk)


def baseline_copy(src: Path, dest: Path, *, fsync: bool = False) -> str:
    from assess.storage.base import CHUNK_SIZE

    with open(src, "rb") as stream, open(dest, "wb") as out:
        writer = _HashingWriter(out)
        shutil.copyfileobj(stream, writer, CHUNK_SIZE)  # same chunk size as the storage
        if fsync:
            out.flush()
            os.fsync(out.fileno())
    return writer.hasher.hexdigest()


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes allocated by Python while ``fn`` runs."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(quick: bool = False, repeats: int | None = None) -> UploadBenchmark:
    from assess.storage.local import LocalStorage

    repeats = repeats_for(quick, repeats)
    size = QUICK_SIZE if quick else FULL_SIZE
    with tempfile.TemporaryDirectory(prefix="assess-bench-upload-") as tmp:
        src, copy = Path(tmp) / "depot.pdf", Path(tmp) / "copy.pdf"
        make_pdf(src, size)
        with open(src, "rb") as f:
            expected = hashlib.file_digest(f, "sha256").hexdigest()
        storage = LocalStorage(Path(tmp) / "files")
        blob = {}

        def save() -> None:
            with open(src, "rb") as stream:
                blob["last"] = storage.save_stream(stream, max_bytes=size)

        def forget() -> None:  # every run writes a new blob, as a new upload does
            if "last" in blob:
                storage.delete(blob["last"].key)
            copy.unlink(missing_ok=True)

        shas = {}
        base = best_of(lambda: shas.__setitem__("base", baseline_copy(src, copy)), repeats,
                       setup=forget)
        base_fsync = best_of(lambda: baseline_copy(src, copy, fsync=True), repeats,
                             setup=forget)
        stored = best_of(save, repeats, setup=forget)
        forget()
        base_peak = peak_memory(lambda: baseline_copy(src, copy))
        forget()
        storage_peak = peak_memory(save)
        last = blob["last"]
        return UploadBenchmark(size, base, base_fsync, stored, expected, shas["base"],
                               last.sha256, last.size, base_peak, storage_peak)


def report(r: UploadBenchmark) -> str:
    def row(name: str, timing: Timing, peak: int | None) -> list[object]:
        speed = r.size / MIB / timing.best if timing.best else float("inf")
        return [name, ms(timing.best), f"{speed:.0f} MiB/s",
                f"{ratio(timing.best, r.baseline.best):.2f}x",
                f"{peak / 1024:.0f} KiB" if peak is not None else "-"]

    rows = [row("copyfileobj + sha256 (baseline)", r.baseline, r.baseline_peak),
            row("copyfileobj + sha256 + fsync", r.baseline_fsync, None),
            row("LocalStorage.save_stream", r.storage, r.storage_peak)]
    same = "equal" if r.storage_sha256 == r.expected_sha256 == r.baseline_sha256 else "DIFFER"
    summary = (f"file {r.size / MIB:g} MiB; SHA-256 of save_stream, baseline and hashlib: "
               f"{same}; save_stream peak = {100 * r.storage_peak / r.size:.2f} % of the file")
    return table(f"upload: streaming a {r.size / MIB:g} MiB PDF (best of k)",
                 ["", "time", "throughput", "ratio", "peak memory"], rows) + "\n" + summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    print(report(run(args.quick, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
