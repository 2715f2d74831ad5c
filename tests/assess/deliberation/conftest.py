"""A session ready to deliberate: two candidates, three jurors forming a valid jury, the
second juror grading candidate 1's bloc 2 too and disagreeing on CR2.2.1, results computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from workflows.session import SessionStatus


@dataclass
class Deliberating:
    w: object
    disputed: object  # candidate 1's enrolment
    bloc2: object  # the Block of bloc 2
    exam2: object


@pytest.fixture
def deliberating(db, world, submit_sheet, client, as_user):
    from tests.factories import assign, valid_jury

    def make(**kwargs):
        kwargs.setdefault("candidates", 2)
        kwargs.setdefault("jurors", 3)
        w = world(status=SessionStatus.DELIBERATION, **kwargs)
        valid_jury(w.session, w.jurors)
        for a in w.assignments:
            submit_sheet(a, "acquis")
        exam2 = next(e for e in w.session.exams if e.block.number == 2)
        second = assign(w.jurors[1], w.enrolments[0], exam2)
        db.session.commit()
        submit_sheet(second, "acquis", {"CR2.2.1": "partiellement_acquis"})
        as_user(w.centre_admin)
        assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
        return Deliberating(w, w.enrolments[0], exam2.block, exam2)

    return make
