"""Checks a handed-in PDF with pypdf in a child process under resource limits: an
encrypted or unreadable PDF is refused, the page count is recorded, and a decompression
bomb stops at the memory or time limit of the child, never taking the worker down.

Run as ``python -m assess.submissions.pdf_check PATH MEMORY_MB CPU_SECONDS``: the child
imports pypdf only (not the app), sets its own limits first, and prints one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

OK, ENCRYPTED, UNREADABLE, TOO_HEAVY = "ok", "encrypted", "unreadable", "too_heavy"


@dataclass(frozen=True)
class CheckResult:
    outcome: str  # OK, ENCRYPTED, UNREADABLE, TOO_HEAVY
    pages: int | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == OK


def check_pdf(path: str, *, memory_mb: int = 512, seconds: int = 20) -> CheckResult:
    """The parent's side: run the child, read its verdict; killed or silent means too heavy."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-m", "assess.submissions.pdf_check", path,
             str(memory_mb), str(seconds)],
            capture_output=True, text=True, timeout=seconds + 5, check=False,
            cwd=_project_root())
    except subprocess.TimeoutExpired:
        return CheckResult(TOO_HEAVY, detail="timeout")
    try:
        verdict = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        # Killed by its limit (SIGKILL on CPU, MemoryError printed nothing useful).
        return CheckResult(TOO_HEAVY, detail=f"exit {done.returncode}: {done.stderr[-300:]}")
    return CheckResult(verdict["outcome"], verdict.get("pages"), verdict.get("detail", ""))


def _project_root() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2])


def _inspect(path: str) -> dict:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return {"outcome": ENCRYPTED}
        pages = len(reader.pages)
        if pages == 0:
            return {"outcome": UNREADABLE, "detail": "no page"}
        for page in reader.pages:  # decompress every content stream: a bomb shows here
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
        return {"outcome": OK, "pages": pages}
    except FileNotDecryptedError:
        return {"outcome": ENCRYPTED}
    except MemoryError:
        return {"outcome": TOO_HEAVY, "detail": "memory"}
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError, RecursionError) as exc:
        name = type(exc).__name__
        if name == "LimitReachedError":
            return {"outcome": TOO_HEAVY, "detail": str(exc)[:200]}
        return {"outcome": UNREADABLE, "detail": f"{name}: {str(exc)[:200]}"}


def _child(argv: list[str]) -> None:
    import resource

    path, memory_mb, seconds = argv[0], int(argv[1]), int(argv[2])
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    try:
        verdict = _inspect(path)
    except Exception as exc:  # anything pypdf raises on a malformed file
        name = type(exc).__name__
        outcome = TOO_HEAVY if name == "LimitReachedError" else UNREADABLE
        verdict = {"outcome": outcome, "detail": f"{name}: {str(exc)[:200]}"}
    print(json.dumps(verdict))


if __name__ == "__main__":
    _child(sys.argv[1:])
