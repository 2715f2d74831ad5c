"""What every benchmark shares: a throwaway app, a statement counter, best-of-k timing,
and a plain-text table.

Benchmarks print RATIOS against a baseline measured in the same run, on the same
machine, with the same data: absolute times vary between machines, ratios much less.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from config import TestConfig


@contextlib.contextmanager
def temp_app(*, push: bool = True, **overrides) -> Iterator[tuple]:
    """(app, référentiel version id) on a fresh SQLite database in a temp directory.

    With ``push``, the app context stays pushed for the whole block; without it, the
    caller pushes one where it needs it (requests through the test client are then made
    outside any app context, each getting its own, as in production).
    ``overrides`` change the configuration. Everything is removed afterwards.
    """
    from assess import create_app
    from assess.extensions import db
    from assess.referential.operations import store
    from rubrics.loader import load

    with tempfile.TemporaryDirectory(prefix="assess-bench-") as tmp:
        app = create_app(TestConfig.under(Path(tmp), **overrides))
        with app.app_context():
            db.create_all()
            version, _ = store(load())
            db.session.commit()
            version_id = version.id
        try:
            with app.app_context() if push else contextlib.nullcontext():
                yield app, version_id
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@contextlib.contextmanager
def count_statements(engine) -> Iterator[list[str]]:
    """Collects every SQL statement sent to the database inside the block."""
    from sqlalchemy import event

    statements: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@dataclass
class Timing:
    """Best (minimum) wall time of ``repeats`` runs, and the statements of one run."""

    best: float
    runs: list[float] = field(default_factory=list)
    statements: int = 0


def best_of(run: Callable[[], object], repeats: int, *, engine=None,
            setup: Callable[[], object] | None = None) -> Timing:
    """Time ``run`` ``repeats`` times (``setup`` before each, not timed); keep the best.

    One untimed warm-up run comes first: it fills the caches of a first call (compiled
    SQL, templates) and does the one-off state changes (a session's first status change).

    The minimum is the least noisy estimate of the cost itself: slower runs were slowed
    by something else (scheduler, page cache, another process). Statements are counted
    when an engine is given; the count of the last run is kept (every run is asserted to
    send the same number, so a count that varies is a bug in the benchmark).
    """
    if setup is not None:
        setup()
    run()
    runs, counts = [], []
    for _ in range(repeats):
        if setup is not None:
            setup()
        gc.collect()
        with (count_statements(engine) if engine is not None
              else contextlib.nullcontext([])) as statements:
            start = time.perf_counter()
            run()
            runs.append(time.perf_counter() - start)
        counts.append(len(statements))
    if len(set(counts)) > 1:
        raise AssertionError(f"statement count varies between identical runs: {counts}")
    return Timing(min(runs), runs, counts[-1] if counts else 0)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("inf")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def table(title: str, headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    rule = "-" * len(line(headers))
    return "\n".join([title, rule, line(headers), rule, *map(line, cells[1:]), rule])


def parse_args(argv: list[str] | None, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and fewer repeats (a smoke run, not a measure)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs per measure (best of k); default 7, 2 with --quick")
    return parser.parse_args(argv)


def repeats_for(quick: bool, repeats: int | None) -> int:
    return repeats if repeats else (2 if quick else 7)
