"""Changes to a juror's profile and availability. Each takes the acting user first, checks
the permission, audits (old and new values), flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, insert

from workflows import availability
from workflows.base import Refused

from ..accounts.models import Gender, User
from ..audit.operations import record
from ..extensions import db
from ..juries.models import JurorAvailability, juror_affiliations, juror_blocks
from . import queries
from .permissions import can_change_availability, can_edit_profile


class JurorRefused(Refused):
    """A refused profile or availability change; the message says what to do."""


@dataclass(frozen=True)
class JurorProfile:
    """What both the juror and an admin may set. ``affiliations``: the centres ticked among
    those offered to the actor (``queries.offered_centres``); the others are kept."""

    organisation: str = ""
    profession: str = ""
    is_professional: bool = False
    works_for_certifier: bool = False
    blocks: frozenset[int] = frozenset()
    affiliations: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OwnProfile(JurorProfile):
    """Besides: the name, and the gender only the juror declares (None: not said)."""

    first_name: str = ""
    last_name: str = ""
    gender: Gender | None = None


def update_juror_profile(actor, juror: User, profile: JurorProfile) -> User:
    """An admin's edit of a juror of their pool (or the juror's own, through
    ``update_own_profile``)."""
    if not can_edit_profile(actor, juror):
        raise JurorRefused(_("Vous ne pouvez pas modifier le profil de ce membre du jury."))
    values = {"organisation": profile.organisation.strip() or None,
              "profession": profile.profession.strip() or None,
              "is_professional": bool(profile.is_professional),
              "works_for_certifier": bool(profile.works_for_certifier)}
    return _apply(actor, juror, values, profile)


def update_own_profile(actor, profile: OwnProfile) -> User:
    if not can_edit_profile(actor, actor):
        raise JurorRefused(_("Seuls les membres du jury ont un profil de juré."))
    if not profile.first_name.strip() or not profile.last_name.strip():
        raise JurorRefused(_("Le prénom et le nom sont obligatoires."))
    values = {"first_name": profile.first_name.strip(), "last_name": profile.last_name.strip(),
              "organisation": profile.organisation.strip() or None,
              "profession": profile.profession.strip() or None,
              "is_professional": bool(profile.is_professional),
              "works_for_certifier": bool(profile.works_for_certifier),
              "gender": Gender(profile.gender) if profile.gender else None}
    return _apply(actor, actor, values, profile)


def _apply(actor, juror: User, values: dict, profile: JurorProfile) -> User:
    known_blocks = {number for number, _title in queries.latest_blocks()}
    if not set(profile.blocks) <= known_blocks:
        raise JurorRefused(_("Bloc inconnu : rechargez la page et cochez les blocs proposés."))
    offered = {c.id for c in queries.offered_centres(actor, juror)}
    if not set(profile.affiliations) <= offered:
        raise JurorRefused(_("Centre de formation inconnu : rechargez la page et cochez les "
                             "centres proposés."))
    old = {k: _plain(getattr(juror, k)) for k in values}
    new = {k: _plain(v) for k, v in values.items()}
    for key, value in values.items():
        setattr(juror, key, value)
    old_blocks, old_centres = queries.blocks_of(juror.id), queries.affiliations_of(juror.id)
    blocks = set(profile.blocks)
    # The centres not offered to this actor keep what another admin or the juror set.
    centres = (old_centres - offered) | set(profile.affiliations)
    _replace(juror_blocks, "block_number", juror.id, old_blocks, blocks)
    _replace(juror_affiliations, "centre_id", juror.id, old_centres, centres)
    old.update(blocks=sorted(old_blocks), affiliations=sorted(old_centres))
    new.update(blocks=sorted(blocks), affiliations=sorted(centres))
    changed = [k for k in new if old[k] != new[k]]
    if changed:
        record(actor, "juror.profile_updated", juror, old={k: old[k] for k in changed},
               new={k: new[k] for k in changed})
    db.session.flush()
    return juror


def _plain(value):
    return str(value) if isinstance(value, Gender) else value


def _replace(table, column: str, juror_id: int, old: set[int], new: set[int]) -> None:
    if old - new:
        db.session.execute(delete(table).where(table.c.juror_id == juror_id,
                                               table.c[column].in_(old - new)))
    if new - old:
        db.session.execute(insert(table), [{"juror_id": juror_id, column: v}
                                           for v in sorted(new - old)])


def add_availability(actor, juror: User, starts_on: date, ends_on: date,
                     today: date | None = None) -> JurorAvailability:
    """Declare a period; one that overlaps or touches declared periods is merged with them
    (workflows.availability), so the list stays a few disjoint periods."""
    if not can_change_availability(actor, juror):
        raise JurorRefused(_("Seul(e) le membre du jury déclare ses disponibilités."))
    problem = availability.problem(starts_on, ends_on, today or date.today())
    if problem is not None:
        raise JurorRefused(problem)
    declared = queries.availabilities_of(juror.id)
    merged = availability.merge(
        (availability.Declared(p.id, p.starts_on, p.ends_on) for p in declared),
        starts_on, ends_on)
    absorbed = [p for p in declared if p.id in merged.absorbed]
    for period in absorbed:
        db.session.delete(period)
    period = JurorAvailability(juror_id=juror.id, starts_on=merged.starts_on,
                               ends_on=merged.ends_on)
    db.session.add(period)
    db.session.flush()
    record(actor, "juror.availability_added", juror,
           old={"periods": _periods(absorbed)} if absorbed else None,
           new={"periods": _periods([period]),
                "typed": {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}})
    return period


def remove_availability(actor, juror: User, period: JurorAvailability) -> None:
    if not can_change_availability(actor, juror) or period.juror_id != juror.id:
        raise JurorRefused(_("Seul(e) le membre du jury déclare ses disponibilités."))
    record(actor, "juror.availability_removed", juror, old={"periods": _periods([period])})
    db.session.delete(period)
    db.session.flush()


def _periods(periods: Iterable[JurorAvailability]) -> list[dict]:
    return [{"starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()}
            for p in periods]
