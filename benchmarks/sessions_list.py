"""Benchmark 2: the sessions list page (``GET /sessions/``) with few and with many sessions.

A certifier admin sees every session. The page loads the sessions and their counts with
a fixed number of statements, so 10x the sessions must send the SAME statements; its time
grows only with what is rendered. The baseline is the same page with fewer sessions,
measured in the same run. Requests go through the Flask test client, outside any app
context, so each one gets its own ORM session as in production.

Run alone: ``python -m benchmarks.sessions_list [--quick]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from .harness import Timing, best_of, ms, parse_args, ratio, repeats_for, table, temp_app

FULL_SIZES = (5, 50)
QUICK_SIZES = (2, 6)
CANDIDATES_PER_SESSION = 3
CENTRES = 5


@dataclass
class PageResult:
    sessions: int
    timing: Timing
    status: int
    names_shown: int  # how many of the sessions' names the page shows


@dataclass
class SessionsListBenchmark:
    pages: list[PageResult]

    @property
    def time_ratio(self) -> float:
        return ratio(self.pages[-1].timing.best, self.pages[0].timing.best)


def add_sessions(ids: dict, count: int) -> list[str]:
    """``count`` sessions, each with a few enrolled candidates, assigned, one sheet submitted.

    Rows are reloaded from their ids: each app context has its own ORM session.
    """
    from assess.accounts.models import User
    from assess.centres.models import TrainingCentre
    from assess.core.columns import utcnow
    from assess.extensions import db
    from assess.grading.models import GradingSheet, SheetStatus
    from assess.referential.models import ReferentialVersion
    from tests.factories import assign, create_session, create_user, enrol

    version = db.session.get(ReferentialVersion, ids["version"])
    centres = [db.session.get(TrainingCentre, c) for c in ids["centres"]]
    juror = db.session.get(User, ids["juror"])
    names = []
    for _ in range(count):
        centre = centres[len(names) % len(centres)]
        session = create_session(version, centre)
        names.append(session.name)
        for c in range(CANDIDATES_PER_SESSION):
            enrolment = enrol(session, create_user("candidate", centre=centre))
            for exam in session.exams:
                a = assign(juror, enrolment, exam)
                if c == 0:
                    db.session.add(GradingSheet(assignment_id=a.id, submitted_at=utcnow(),
                                                status=SheetStatus.SUBMITTED))
    db.session.commit()
    return names


def measure_page(app, admin_id: int, names: list[str], repeats: int) -> PageResult:
    """Best-of-k time and statements of one GET /sessions/ as the certifier admin.

    Called outside any app context: each request pushes its own, with a fresh ORM session
    and nothing cached in ``g``, as a real request does.
    """
    from assess.accounts import login_sessions
    from assess.accounts.models import User
    from assess.extensions import db

    with app.app_context():
        engine = db.engine
        admin = db.session.get(User, admin_id)
        login_sessions.start(admin, "127.0.0.1", "benchmark")
        db.session.commit()
        cookie_id = admin.get_id()
    client = app.test_client()
    with client.session_transaction() as sess:  # logged in as Flask-Login stores it
        sess["_user_id"] = cookie_id
        sess["_fresh"] = True
    responses = []
    timing = best_of(lambda: responses.append(client.get("/sessions/")), repeats,
                     engine=engine)
    last = responses[-1]
    html = last.get_data(as_text=True)
    return PageResult(len(names), timing, last.status_code,
                      sum(1 for name in names if f">{name}</a>" in html))


def run(quick: bool = False, repeats: int | None = None) -> SessionsListBenchmark:
    from assess.extensions import db
    from tests.factories import create_centre, create_user

    repeats = repeats_for(quick, repeats)
    sizes = QUICK_SIZES if quick else FULL_SIZES
    pages = []
    with temp_app(push=False) as (app, version_id):
        with app.app_context():
            admin_id = create_user("certifier_admin").id
            ids = {"version": version_id, "juror": create_user("juror").id,
                   "centres": [create_centre().id for _ in range(CENTRES)]}
            db.session.commit()
        names: list[str] = []
        for size in sizes:  # the same database grows from the small size to the large one
            with app.app_context():
                names += add_sessions(ids, size - len(names))
            pages.append(measure_page(app, admin_id, list(names), repeats))
    return SessionsListBenchmark(pages)


def report(result: SessionsListBenchmark) -> str:
    base = result.pages[0]
    rows = [[p.sessions, p.sessions * CANDIDATES_PER_SESSION, p.status, p.names_shown,
             ms(p.timing.best), p.timing.statements,
             f"{ratio(p.timing.best, base.timing.best):.2f}x"] for p in result.pages]
    first, last = result.pages[0], result.pages[-1]
    same = "equal" if first.timing.statements == last.timing.statements else "DIFFERENT"
    summary = (f"x{last.sessions / first.sessions:g} sessions: time x{result.time_ratio:.2f}, "
               f"statements {first.timing.statements} -> {last.timing.statements} ({same})")
    return table("sessions_list: GET /sessions/ as a certifier admin (best of k)",
                 ["sessions", "candidates", "status", "rows shown", "time", "statements",
                  "time ratio"], rows) + "\n" + summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    print(report(run(args.quick, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
