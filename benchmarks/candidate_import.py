"""Benchmark 4: importing 5,000 candidates from a CSV into a session.

What is timed is the admin's whole wait: the preview (read, check every row, look up
the database, store the report) and the worker's run (new accounts, candidates,
enrolments, their audit trail and invitations, committed in batches of 200 with the
progress, the invitations handed to the embedded broker). Then the same file again,
which must change nothing.

The BASELINE is the least an import can do: ``csv.reader`` over the same bytes and one
``executemany`` INSERT of the rows into a bare table of the same database, committed
once. The ratio says what checking, auditing and inviting cost on top of storing.

Run alone: ``python -m benchmarks.candidate_import [--quick]``.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from dataclasses import dataclass

from .harness import count_statements, ms, parse_args, ratio, table, temp_app

FULL_ROWS = 5000
QUICK_ROWS = 120
HEADER = ("email;nom_naissance;prenom1;prenom2;date_naissance;sexe;code_insee_naissance;"
          "commune_naissance;pays_naissance;voie_acces;blocs")


@dataclass
class ImportBenchmark:
    rows: int
    baseline: float
    preview: float
    run: float
    again: float  # preview of the same file once imported
    created: int
    unchanged_again: int
    statements_run: int
    batches: int

    @property
    def total(self) -> float:
        return self.preview + self.run

    @property
    def ratio(self) -> float:
        return ratio(self.total, self.baseline)


def make_csv(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        blocs = ("", "1,3", "2")[i % 3]
        lines.append(f"candidat{i}@exemple.fr;NOM{i};Prénom{i};Anne;{1 + i % 28:02d}/04/1998;"
                     f"{'MF'[i % 2]};{69001 + i % 300:05d};Lyon;100;formation_continue;{blocs}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def baseline(db, data: bytes) -> float:
    """csv.reader + one executemany INSERT into a bare table, one commit."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_rows (email TEXT, a TEXT, b TEXT, "
                          "c TEXT, d TEXT, e TEXT, f TEXT, g TEXT, h TEXT, i TEXT, j TEXT)"))
        conn.execute(text("DELETE FROM bench_rows"))
    start = time.perf_counter()
    reader = csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";")
    next(reader)
    raw = db.engine.raw_connection()
    try:
        raw.cursor().executemany("INSERT INTO bench_rows VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                 list(reader))
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - start


def run(quick: bool = False, repeats: int | None = None) -> ImportBenchmark:
    """One measured import (an import changes the database: it is not repeated; the
    baseline is the best of a few runs)."""
    from assess.candidates import imports
    from assess.candidates.models import ImportStatus
    from assess.extensions import db
    from assess.referential.models import ReferentialVersion
    from assess.sessions.models import SessionStatus
    from tests.factories import create_centre, create_session, create_user

    rows = QUICK_ROWS if quick else FULL_ROWS
    data = make_csv(rows)
    with temp_app(CELERY_TASK_ALWAYS_EAGER=False) as (app, version_id):
        with app.test_request_context():
            centre = create_centre()
            admin = create_user("centre_admin", centre=centre)
            session = create_session(db.session.get(ReferentialVersion, version_id), centre,
                                     status=SessionStatus.ENROLMENT)
            db.session.commit()
            base = min(baseline(db, data) for _ in range(3))

            start = time.perf_counter()
            imported = imports.preview_import(admin, session, "candidats.csv",
                                              io.BytesIO(data))
            db.session.commit()
            preview = time.perf_counter() - start
            imported.status, imported.valid_only = ImportStatus.CONFIRMED, False
            db.session.commit()
            with count_statements(db.engine) as statements:
                start = time.perf_counter()
                counts = imports.run_import(admin, imported)
                db.session.commit()
                run_time = time.perf_counter() - start

            start = time.perf_counter()
            second = imports.preview_import(admin, session, "candidats.csv", io.BytesIO(data))
            db.session.commit()
            again = time.perf_counter() - start
            return ImportBenchmark(
                rows, base, preview, run_time, again, counts["created"],
                second.preview["counts"]["unchanged"], len(statements),
                -(-rows // imports.BATCH))


def report(r: ImportBenchmark) -> str:
    def row(name: str, seconds: float) -> list[object]:
        return [name, ms(seconds), f"{r.rows / seconds:.0f} rows/s" if seconds else "-",
                f"{ratio(seconds, r.baseline):.1f}x"]

    rows = [row("csv.reader + executemany INSERT (baseline)", r.baseline),
            row("preview (read, check, look up, report)", r.preview),
            row("worker run (accounts, trail, invitations)", r.run),
            row("preview + run", r.total),
            row("same file again (preview)", r.again)]
    summary = (f"{r.rows} rows: {r.created} created, then {r.unchanged_again} unchanged; "
               f"run sent {r.statements_run} SQL statements in {r.batches} batches "
               f"({r.statements_run / max(r.batches, 1):.0f} per batch of up to 200 rows); "
               f"preview + run = {r.total:.1f} s")
    return table(f"candidate import: {r.rows} rows from a CSV (one run; baseline best of 3)",
                 ["", "time", "throughput", "ratio"], rows) + "\n" + summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    print(report(run(args.quick, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
