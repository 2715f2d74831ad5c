"""What the composition rules (workflows.jury_rules) read, loaded in a fixed number of
queries whatever the number of members or candidates. Used by juries and oral panels."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from workflows.jury_rules import Link, Member

from ..extensions import db
from ..juries.models import ConflictOfInterest, juror_affiliations


def affiliations(juror_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """The centres each juror is not external to."""
    ids = set(juror_ids)
    found: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for juror_id, centre_id in db.session.execute(
                select(juror_affiliations.c.juror_id, juror_affiliations.c.centre_id)
                .where(juror_affiliations.c.juror_id.in_(ids))):
            found[juror_id].add(centre_id)
    return {i: frozenset(c) for i, c in found.items()}


def members(users, president_ids: Iterable[int] = ()) -> list[Member]:
    """``users`` (User rows) as rule members; ``president_ids`` the presidents among them."""
    users = list(users)
    presidents = set(president_ids)
    centres = affiliations(u.id for u in users)
    return [Member(user_id=u.id, name=u.full_name, is_president=u.id in presidents,
                   works_for_certifier=bool(u.works_for_certifier),
                   affiliated_centres=centres.get(u.id, frozenset()),
                   is_professional=bool(u.is_professional),
                   gender=str(u.gender) if u.gender else None)
            for u in users]


def conflicted_pairs(juror_ids: Iterable[int], enrolment_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(juror id, enrolment id) pairs with a declared link, among those given."""
    jurors, enrolments = set(juror_ids), set(enrolment_ids)
    if not jurors or not enrolments:
        return set()
    return set(tuple(row) for row in db.session.execute(
        select(ConflictOfInterest.juror_id, ConflictOfInterest.enrolment_id)
        .where(ConflictOfInterest.juror_id.in_(jurors),
               ConflictOfInterest.enrolment_id.in_(enrolments))))


def has_conflict(juror_id: int, enrolment_id: int) -> bool:
    return bool(conflicted_pairs({juror_id}, {enrolment_id}))


def links(juror_ids: Iterable[int], enrolments) -> list[Link]:
    """The declared links of these jurors with these enrolments, named as the juror would
    see the candidate (``candidate_label(enrolment)``, given by the caller's page)."""
    by_id = {e.id: e for e in enrolments}
    return [Link(juror_id=j, candidate=_label(by_id[e]))
            for j, e in sorted(conflicted_pairs(juror_ids, by_id))]


def _label(enrolment) -> str:
    user = enrolment.candidate.user
    return user.full_name
