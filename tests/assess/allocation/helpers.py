"""Set-ups shared by the allocation tests."""

from __future__ import annotations

from assess.extensions import db
from assess.juries.models import juror_blocks
from assess.sessions.models import PartKind


def may_assess(juror, *blocks: int) -> None:
    db.session.execute(juror_blocks.insert(),
                       [{"juror_id": juror.id, "block_number": n} for n in blocks])
    db.session.commit()


def written(session):
    """The session's épreuves without an oral part (blocs 1 and 2), by position."""
    return [x for x in sorted(session.exams, key=lambda x: x.position)
            if all(p.kind != PartKind.ORAL for p in x.parts)]


def oral_exam(session):
    [exam] = [x for x in session.exams if any(p.kind == PartKind.ORAL for p in x.parts)]
    return exam


def allocation_world(world, candidates=2, jurors=4, blocks=(1, 2)):
    w = world(candidates=candidates, jurors=jurors, assign_all=False)
    for juror in w.jurors:
        may_assess(juror, *blocks)
    return w
