"""Reads of the assignment and jury pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import Role, User
from ..extensions import db
from .models import juror_affiliations, juror_blocks
from .permissions import pool_condition


def pool(centre_id: int) -> list[User]:
    """The active jurors a centre may assign: its own pool and those open to all centres
    (never the whole certifier's pool: a centre learns nothing of the others' jurors)."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.JUROR, User.active.is_(True),
                           pool_condition(centre_id))
        .order_by(User.last_name, User.first_name, User.id)))


@dataclass(frozen=True)
class Profile:
    """What the jury page shows of a juror beside their name."""

    blocks: tuple[int, ...]
    external: bool  # to the certifier and to the session's centre


def profiles(jurors, centre_id: int) -> dict[int, Profile]:
    """Two statements whatever the number of jurors."""
    ids = [j.id for j in jurors]
    blocks: dict[int, list[int]] = {i: [] for i in ids}
    affiliated: set[int] = set()
    if ids:
        for juror_id, number in db.session.execute(
                select(juror_blocks.c.juror_id, juror_blocks.c.block_number)
                .where(juror_blocks.c.juror_id.in_(ids)).order_by(juror_blocks.c.block_number)):
            blocks[juror_id].append(number)
        affiliated = set(db.session.scalars(
            select(juror_affiliations.c.juror_id).where(juror_affiliations.c.juror_id.in_(ids),
                                                        juror_affiliations.c.centre_id == centre_id)))
    return {j.id: Profile(tuple(blocks[j.id]),
                          not j.works_for_certifier and j.id not in affiliated) for j in jurors}
