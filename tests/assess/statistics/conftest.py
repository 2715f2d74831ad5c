"""Sessions with published results written row by row (fast, every case controlled):
``published_session(centre, [spec, ...])`` where a spec is a string of one character per
bloc, in order: ``V`` validated, ``N`` not validated, ``A`` absent (an attendance row,
and not validated), ``-`` not enrolled; a trailing ``*`` awards the title (else it is
not awarded). ``released=False``: the session is not published as a whole, its
candidates' results are (per candidate), except the indexes in ``unpublished``. Each
criterion of a validated bloc is « acquis », of a not-validated one
« non acquis » except the first, « partiellement acquis »."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from workflows.session import SessionStatus


@dataclass
class Built:
    session: object
    enrolments: list


@pytest.fixture
def published_session(db, referential_version):
    from assess.attendance.models import Attendance, ExamAttendance
    from assess.results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
    from tests.factories import create_session, create_user, enrol

    def make(centre, specs, *, on=datetime(2025, 6, 30, 10, 0), released=True,
             name=None, unpublished=()) -> Built:
        session = create_session(referential_version, centre, name=name,
                                 status=SessionStatus.DELIBERATION)
        if released:
            session.status, session.results_published_at = SessionStatus.PUBLISHED, on
        blocks = list(referential_version.blocks)
        exams = {e.block_id: e for e in session.exams}
        enrolments = []
        for i, spec in enumerate(specs):
            awarded = spec.endswith("*")
            marks = spec.rstrip("*")
            enrolled = [b for b, m in zip(blocks, marks, strict=True) if m != "-"]
            user = create_user("candidate", centre=centre)
            enrolment = enrol(session, user, None if len(enrolled) == 3 else enrolled)
            for block, mark in zip(blocks, marks, strict=True):
                if mark == "-":
                    continue
                if mark == "A":
                    db.session.add(ExamAttendance(enrolment_id=enrolment.id,
                                                  exam_id=exams[block.id].id,
                                                  status=Attendance.ABSENT,
                                                  on_date=date(2025, 6, 1)))
                codes = [c.code for c in block.criteria]
                levels = ({c: "acquis" for c in codes} if mark == "V" else
                          {} if mark == "A" else
                          {c: ("partiellement_acquis" if j == 0 else "non_acquis")
                           for j, c in enumerate(codes)})
                db.session.add(BlockResult(
                    enrolment_id=enrolment.id, block_id=block.id,
                    outcome=BlockOutcome.VALIDATED if mark == "V" else
                    BlockOutcome.NOT_VALIDATED, criterion_levels=levels, disagreements=[]))
            db.session.add(TitleResult(
                enrolment_id=enrolment.id,
                outcome=TitleOutcome.AWARDED if awarded else TitleOutcome.NOT_AWARDED,
                published_at=None if i in unpublished else on))
            enrolments.append(enrolment)
        db.session.commit()
        return Built(session, enrolments)

    return make


@pytest.fixture
def centres(db):
    from tests.factories import create_centre, create_user

    def make():
        a, b = create_centre("Centre Alpha"), create_centre("Centre Bêta")
        admins = (create_user("certifier_admin"), create_user("centre_admin", centre=a),
                  create_user("centre_admin", centre=b))
        db.session.commit()
        return a, b, admins

    return make
