"""Reads of the juror profile and pool pages, in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..centres.models import TrainingCentre
from ..extensions import db
from ..juries.models import JurorAvailability, juror_affiliations, juror_blocks, juror_centres
from ..referential.models import Block, ReferentialVersion
from .permissions import affiliation_scope, pool_scope

PAGE_SIZE = 50


def latest_blocks() -> list[tuple[int, str]]:
    """(number, title) of the blocs of the latest référentiel version: block numbers are
    the same across versions, the titles shown are the current ones."""
    latest = select(func.max(ReferentialVersion.number)).scalar_subquery()
    return [tuple(row) for row in db.session.execute(
        select(Block.number, Block.title).join(ReferentialVersion)
        .where(ReferentialVersion.number == latest).order_by(Block.number))]


def offered_centres(actor, juror: User) -> list[TrainingCentre]:
    """The centres whose affiliation ``actor`` may set on ``juror``'s profile: those that
    may call on the juror (their pool's centres, every centre if open to all), and for a
    centre admin only their own centre among them."""
    query = select(TrainingCentre).order_by(TrainingCentre.name)
    if not juror.open_to_all_centres:
        query = query.where(TrainingCentre.id.in_(
            select(juror_centres.c.centre_id).where(juror_centres.c.juror_id == juror.id)))
    only = affiliation_scope(actor)
    if only is not None:
        query = query.where(TrainingCentre.id == only)
    return list(db.session.scalars(query))


def blocks_of(juror_id: int) -> set[int]:
    return set(db.session.scalars(select(juror_blocks.c.block_number)
                                  .where(juror_blocks.c.juror_id == juror_id)))


def affiliations_of(juror_id: int) -> set[int]:
    return set(db.session.scalars(select(juror_affiliations.c.centre_id)
                                  .where(juror_affiliations.c.juror_id == juror_id)))


def availabilities_of(juror_id: int) -> list[JurorAvailability]:
    return list(db.session.scalars(
        select(JurorAvailability).where(JurorAvailability.juror_id == juror_id)
        .order_by(JurorAvailability.starts_on, JurorAvailability.id)))


@dataclass(frozen=True)
class PoolRow:
    juror: User
    blocks: tuple[int, ...]
    affiliations: tuple[str, ...]  # names of the centres the juror is not external to
    affiliation_ids: frozenset[int]
    declared_periods: bool  # none declared: available on any day (workflows.oral_panels)
    next_period: JurorAvailability | None  # the first one not over yet


def pool_page(actor, *, block: int | None = None, page: int = 1,
              today: date | None = None) -> tuple[list[PoolRow], int]:
    """One page of the active jurors ``actor`` may list (optionally those who may assess
    ``block``), and how many there are in all: five statements whatever the number."""
    today = today or date.today()
    where = [User.role == Role.JUROR, User.active.is_(True), pool_scope(actor)]
    if block is not None:
        where.append(User.id.in_(select(juror_blocks.c.juror_id)
                                 .where(juror_blocks.c.block_number == block)))
    total = db.session.scalar(select(func.count(User.id)).where(*where))
    jurors = list(db.session.scalars(
        select(User).where(*where).order_by(User.last_name, User.first_name, User.id)
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)))
    ids = [j.id for j in jurors]
    if not ids:
        return [], total
    blocks: dict[int, list[int]] = {i: [] for i in ids}
    for juror_id, number in db.session.execute(
            select(juror_blocks.c.juror_id, juror_blocks.c.block_number)
            .where(juror_blocks.c.juror_id.in_(ids)).order_by(juror_blocks.c.block_number)):
        blocks[juror_id].append(number)
    centres: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for juror_id, centre_id, name in db.session.execute(
            select(juror_affiliations.c.juror_id, TrainingCentre.id, TrainingCentre.name)
            .join(TrainingCentre, TrainingCentre.id == juror_affiliations.c.centre_id)
            .where(juror_affiliations.c.juror_id.in_(ids)).order_by(TrainingCentre.name)):
        centres[juror_id].append((centre_id, name))
    periods: dict[int, list[JurorAvailability]] = {i: [] for i in ids}
    for period in db.session.scalars(
            select(JurorAvailability).where(JurorAvailability.juror_id.in_(ids))
            .order_by(JurorAvailability.starts_on, JurorAvailability.id)):
        periods[period.juror_id].append(period)
    rows = [PoolRow(juror=j, blocks=tuple(blocks[j.id]),
                    affiliations=tuple(n for _i, n in centres[j.id]),
                    affiliation_ids=frozenset(i for i, _n in centres[j.id]),
                    declared_periods=bool(periods[j.id]),
                    next_period=next((p for p in periods[j.id] if p.ends_on >= today), None))
            for j in jurors]
    return rows, total
