"""Benchmark 6: exporting the results of a session of 10,000 candidates (CSV and XLSX).

What is timed is the real route as an admin calls it, through the Flask test client
outside any app context (each request has its own ORM session, as in production), the
whole body read: ``GET /sessions/<id>/resultats/export.csv`` (streamed) and ``.xlsx``
(openpyxl write-only into a temporary file, then sent).

The BASELINES are the least each job can take, measured in the same run on the same
rows:

- CSV: the export's one SQL query (``assess.results.export.rows_statement``: a row per
  candidate and bloc), run by the driver (no ORM, no JSON decoding), streamed into
  ``csv.writer`` writing to /dev/null;
- XLSX: openpyxl in write-only mode writing the same cells as the export (the rows are
  prepared beforehand, untimed) into an in-memory file.

The ratios say what the route costs on top: shaping the rows (labels, levels, absences),
formula neutralising, typed cells, the request itself.

Run alone: ``python -m benchmarks.results_export [--quick] [--repeats K]`` (best of 3 by
default: a run of the full size takes seconds).
"""

from __future__ import annotations

import csv
import io
import os
import sys
from dataclasses import dataclass
from datetime import date, timedelta

from .harness import Timing, best_of, ms, parse_args, ratio, table, temp_app

FULL_CANDIDATES = 10_000
QUICK_CANDIDATES = 200
ID_BASE = 1000  # the bulk rows' ids start here (the factories' rows are below)


@dataclass
class ExportBenchmark:
    candidates: int
    csv: Timing
    csv_baseline: Timing
    xlsx: Timing
    xlsx_baseline: Timing
    csv_rows: int  # data rows of the CSV the route answered
    xlsx_rows: int
    csv_status: int
    xlsx_status: int
    csv_bytes: int
    xlsx_bytes: int

    @property
    def csv_ratio(self) -> float:
        return ratio(self.csv.best, self.csv_baseline.best)

    @property
    def xlsx_ratio(self) -> float:
        return ratio(self.xlsx.best, self.xlsx_baseline.best)


# -- data ----------------------------------------------------------------------------
def build(version_id: int, n: int) -> tuple[int, int]:
    """A published session of ``n`` candidates, each with a result per bloc (validated,
    not validated, or absent: one in 20 misses bloc 3) and a published title, written with
    multi-row INSERTs. Returns (session id, certifier admin id)."""
    from sqlalchemy import insert

    from assess.accounts.models import Role, User
    from assess.attendance.models import Attendance, ExamAttendance
    from assess.candidates.models import AccessRoute, Candidate, Enrolment, enrolment_blocks
    from assess.core.columns import utcnow
    from assess.extensions import db
    from assess.referential.models import ReferentialVersion
    from assess.results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
    from assess.sessions.models import SessionStatus
    from tests.factories import create_centre, create_session, create_user

    version = db.session.get(ReferentialVersion, version_id)
    centre = create_centre()
    admin = create_user("certifier_admin")
    session = create_session(version, centre, name=f"Session de {n} candidats",
                             status=SessionStatus.DELIBERATION)
    now = utcnow()
    session.status, session.results_published_at = SessionStatus.PUBLISHED, now
    db.session.flush()
    blocks = list(version.blocks)
    exams = {e.block_id: e.id for e in session.exams}
    routes = list(AccessRoute)
    users, candidates, enrolments, links, results, titles, absences = [], [], [], [], [], [], []
    for i in range(n):
        uid = ID_BASE + i
        users.append({"id": uid, "email": f"candidat{i}@exemple.fr", "first_name": f"Prénom{i}",
                      "last_name": f"NOM{i % 997:03d}", "role": Role.CANDIDATE,
                      "centre_id": centre.id, "password_hash": None, "active": True,
                      "is_demo": False, "created_at": now})
        candidates.append({"id": uid, "user_id": uid, "centre_id": centre.id,
                           "access_route": routes[i % len(routes)], "birth_name": f"NOM{i}",
                           "first_name_1": f"Prénom{i}",
                           "birth_date": date(1990, 1, 1) + timedelta(days=i % 3650)})
        enrolments.append({"id": uid, "session_id": session.id, "candidate_id": uid,
                           "full_title": True, "created_at": now})
        outcomes = []
        for block in blocks:
            links.append({"enrolment_id": uid, "block_id": block.id})
            absent = block.number == 3 and i % 20 == 0
            failed = not absent and (i + block.number) % 7 == 0
            outcome = BlockOutcome.NOT_VALIDATED if absent or failed else BlockOutcome.VALIDATED
            outcomes.append(outcome)
            levels = {} if absent else {
                c.code: ("non_acquis" if failed and j == 0 else
                         "partiellement_acquis" if (i + j) % 11 == 0 else "acquis")
                for j, c in enumerate(block.criteria)}
            results.append({"enrolment_id": uid, "block_id": block.id, "outcome": outcome,
                            "proposed_outcome": str(outcome), "criterion_levels": levels,
                            "disagreements": [], "computed_at": now})
            if absent:
                absences.append({"enrolment_id": uid, "exam_id": exams[block.id],
                                 "status": Attendance.ABSENT, "on_date": now.date(),
                                 "recorded_at": now})
        awarded = all(o == BlockOutcome.VALIDATED for o in outcomes)
        titles.append({"enrolment_id": uid, "computed_at": now, "published_at": now,
                       "outcome": TitleOutcome.AWARDED if awarded else TitleOutcome.NOT_AWARDED})
    for model, rows in ((User, users), (Candidate, candidates), (Enrolment, enrolments),
                        (enrolment_blocks, links), (BlockResult, results),
                        (TitleResult, titles), (ExamAttendance, absences)):
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(model), rows[start:start + 2000])
    db.session.commit()
    return session.id, admin.id


# -- baselines -------------------------------------------------------------------------
def csv_baseline(session_id: int) -> int:
    """The export's one query, run by the database driver itself (no ORM, the JSON left as
    the text it is stored as), its rows streamed into csv.writer, to /dev/null."""
    from assess.extensions import db
    from assess.results.export import BATCH, rows_statement

    sql = str(rows_statement(session_id).compile(
        dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    raw = db.engine.raw_connection()
    count = 0
    try:
        cursor = raw.cursor()
        cursor.execute(sql)
        with open(os.devnull, "w", newline="") as out:
            writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
            while rows := cursor.fetchmany(BATCH):
                writer.writerows(rows)
                count += len(rows)
        cursor.close()
    finally:
        raw.close()
    return count


def prepared_cells(session_id: int) -> tuple[list[str], list[list]]:
    """The export's header and rows as values, materialised (untimed)."""
    from assess.extensions import db
    from assess.results.export import results_table
    from assess.sessions.models import CertificationSession

    header, rows = results_table(db.session.get(CertificationSession, session_id))
    return header, list(rows)


def xlsx_baseline(header: list[str], rows: list[list]) -> int:
    """openpyxl write-only writing the same cells into memory."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Résultats")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.tell()


# -- measuring ---------------------------------------------------------------------------
def _client(app, admin_id: int):
    from assess.accounts import login_sessions
    from assess.accounts.models import User
    from assess.extensions import db

    with app.app_context():
        admin = db.session.get(User, admin_id)
        login_sessions.start(admin, "127.0.0.1", "benchmark")
        db.session.commit()
        cookie_id = admin.get_id()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = cookie_id
        sess["_fresh"] = True
    return client


def run(quick: bool = False, repeats: int | None = None) -> ExportBenchmark:
    from openpyxl import load_workbook

    from assess.extensions import db

    repeats = repeats if repeats else (1 if quick else 3)
    n = QUICK_CANDIDATES if quick else FULL_CANDIDATES
    with temp_app(push=False) as (app, version_id):
        with app.app_context():
            session_id, admin_id = build(version_id, n)
            engine = db.engine
        client = _client(app, admin_id)
        bodies: dict[str, tuple[int, bytes]] = {}

        def fetch(fmt: str) -> None:
            response = client.get(f"/sessions/{session_id}/resultats/export.{fmt}")
            bodies[fmt] = (response.status_code, response.data)
            response.close()

        csv_timing = best_of(lambda: fetch("csv"), repeats, engine=engine)
        xlsx_timing = best_of(lambda: fetch("xlsx"), repeats, engine=engine)
        with app.test_request_context():  # labels and time zone as in a request
            base_csv = best_of(lambda: csv_baseline(session_id), repeats)
            header, rows = prepared_cells(session_id)
            base_xlsx = best_of(lambda: xlsx_baseline(header, rows), repeats)
            db.session.remove()
        csv_status, csv_body = bodies["csv"]
        xlsx_status, xlsx_body = bodies["xlsx"]
        csv_rows = sum(1 for _ in csv.reader(io.StringIO(csv_body.decode("utf-8-sig")),
                                             delimiter=";")) - 1
        book = load_workbook(io.BytesIO(xlsx_body), read_only=True)
        xlsx_rows = sum(1 for _ in book.active.iter_rows(values_only=True)) - 1
        book.close()
    return ExportBenchmark(n, csv_timing, base_csv, xlsx_timing, base_xlsx, csv_rows,
                           xlsx_rows, csv_status, xlsx_status, len(csv_body), len(xlsx_body))


def report(result: ExportBenchmark) -> str:
    n = result.candidates
    rows = [
        ["CSV", f"{ms(result.csv_baseline.best)} (query -> csv.writer -> /dev/null)",
         f"{ms(result.csv.best)}, {result.csv.statements} stmts", f"{result.csv_ratio:.1f}x",
         result.csv_rows, f"{n / result.csv.best:,.0f}", f"{result.csv_bytes / 2**20:.1f} MiB"],
        ["XLSX", f"{ms(result.xlsx_baseline.best)} (openpyxl write-only, same cells)",
         f"{ms(result.xlsx.best)}, {result.xlsx.statements} stmts", f"{result.xlsx_ratio:.1f}x",
         result.xlsx_rows, f"{n / result.xlsx.best:,.0f}",
         f"{result.xlsx_bytes / 2**20:.1f} MiB"],
    ]
    ok = (result.csv_rows == result.xlsx_rows == n
          and result.csv_status == result.xlsx_status == 200)
    return table(
        f"results_export: GET /sessions/<id>/resultats/export.* of {n:,} candidates "
        "(best of k)",
        ["format", "baseline", "route", "ratio", "rows", "rows/s", "size"], rows) + (
        f"\nrows exported: {'all ' + format(n, ',') if ok else 'WRONG COUNT'}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    print(report(run(args.quick, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
