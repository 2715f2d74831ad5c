"""Run every benchmark and print one table each: ``python -m benchmarks [--quick]``."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
import time

from . import (
    candidate_import,
    compute_results,
    notifications,
    results_export,
    sessions_list,
    upload,
)
from .harness import parse_args

BENCHMARKS = (compute_results, sessions_list, upload, candidate_import, notifications,
              results_export)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, "Run every benchmark of assess (ratios against a same-run baseline)")
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{os.cpu_count()} CPU(s), {'quick' if args.quick else 'full'} run")
    start = time.perf_counter()
    for module in BENCHMARKS:
        print()
        print(module.report(module.run(args.quick, args.repeats)))
    print(f"\nall benchmarks: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
