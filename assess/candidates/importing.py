"""Importing candidates into a session: what a checked file would do (the preview), and
doing it. A candidate's identity is their e-mail, so importing the same file twice
changes nothing the second time.

Each row is one of: created (a new candidate or a new enrolment), updated (an identity,
an access route, the blocs or the aménagement asked for changed), unchanged, refused.
An empty cell erases nothing already recorded. The database is read set-wise (a few
queries per 500 rows), never once per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Role, User
from ..accounts.operations import Invitee, invite_many, normalize_email
from ..audit.operations import record_many
from ..core.inserts import insert_many
from ..extensions import db
from ..referential.models import Block
from .acquired import acquired_blocs
from .identity import Identity
from .import_rows import CheckedFile, ImportRow
from .models import AccessRoute, Candidate, Enrolment, enrolment_blocks
from .operations import (
    NOT_FOR_A_CANDIDATE,
    create_candidate,
    enrol_candidate,
    update_candidate,
    update_enrolment,
)

CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, REFUSED)
LOOKUP_CHUNK = 500
DEFAULT_ROUTE = AccessRoute.CONTINUING


@dataclass
class PlannedRow:
    row: ImportRow
    outcome: str
    identity: Identity | None = None  # what the candidate's identity will be
    access_route: AccessRoute | None = None
    warnings: list[str] = field(default_factory=list)
    user: User | None = None
    candidate: Candidate | None = None
    enrolment: Enrolment | None = None


@dataclass
class Plan:
    rows: list[PlannedRow]
    unknown_columns: list[str]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for planned in self.rows:
            counts[planned.outcome] += 1
        return counts

    @property
    def refused(self) -> list[PlannedRow]:
        return [p for p in self.rows if p.outcome == REFUSED]


def plan_import(session, checked: CheckedFile) -> Plan:
    """What importing ``checked`` into ``session`` would do to each row, read from the
    database as it is now."""
    valid = [row for row in checked.rows if row.valid]
    users = _users_by_email([row.email for row in valid])
    candidates = _centre_candidates(session.centre_id, [u.id for u in users.values()
                                                        if u.role == Role.CANDIDATE])
    enrolments = _session_enrolments(session.id, [c.id for c in candidates.values()])
    blocks = _enrolment_block_numbers([e.id for e in enrolments.values()])
    held = acquired_blocs([u.id for u in users.values() if u.role == Role.CANDIDATE])
    all_numbers = tuple(sorted(b.number for b in session.referential_version.blocks))
    planned = []
    for row in checked.rows:
        if not row.valid:
            planned.append(PlannedRow(row, REFUSED))
            continue
        user = users.get(row.email)
        if user is not None and (user.role != Role.CANDIDATE or not user.active):
            row.errors.append(("email", str(NOT_FOR_A_CANDIDATE)))
            planned.append(PlannedRow(row, REFUSED))
            continue
        candidate = candidates.get(user.id) if user is not None else None
        enrolment = enrolments.get(candidate.id) if candidate is not None else None
        acquired = held.get(user.id, {}) if user is not None else {}
        if acquired and not _without_acquired(row, acquired, all_numbers):
            planned.append(PlannedRow(row, REFUSED))
            continue
        planned.append(_plan_row(row, user, candidate, enrolment,
                                 blocks.get(enrolment.id) if enrolment else None, all_numbers))
        if acquired and enrolment is None:
            planned[-1].warnings.append(_(
                "re-passage : blocs déjà acquis non inscrits (%(blocs)s)",
                blocs=", ".join(str(n) for n in sorted(acquired))))
    return Plan(planned, checked.unknown_columns)


def _without_acquired(row: ImportRow, acquired: dict, all_numbers) -> bool:
    """A re-sit: the row's blocs without those already acquired. False (the row refused,
    with why) when it names an acquired bloc, or when every bloc is acquired."""
    asked = row.blocks or all_numbers
    named = sorted(n for n in asked if n in acquired)
    if row.blocks is not None and named:
        row.errors.append(("blocs", _(
            "Bloc(s) %(blocs)s déjà acquis (%(session)s) : un bloc acquis ne se repasse pas.",
            blocs=", ".join(str(n) for n in named), session=acquired[named[0]].session_name)))
        return False
    remaining = tuple(n for n in asked if n not in acquired)
    if not remaining:
        row.errors.append(("blocs", _("Tous les blocs sont déjà acquis : rien à repasser.")))
        return False
    if remaining != tuple(asked):
        row.blocks = remaining
    return True


def _plan_row(row: ImportRow, user, candidate, enrolment, enrolled_numbers,
              all_numbers) -> PlannedRow:
    before = Identity.of(candidate) if candidate is not None else Identity()
    identity = replace(before, **{name: getattr(row.identity, name) for name in row.given})
    route = row.access_route or (candidate.access_route if candidate else None)
    warnings = []
    if route is None:
        route = DEFAULT_ROUTE
        warnings.append(_("voie d'accès absente : « formation continue » est retenue, à "
                          "vérifier"))
    missing = identity.missing_for_cpf()
    if missing:
        warnings.append(_("à compléter pour la déclaration CPF : %(fields)s",
                          fields=", ".join(missing)))
    wanted = row.blocks or all_numbers
    if candidate is None or enrolment is None:
        outcome = CREATED
    elif (identity != before or route != candidate.access_route
          or tuple(enrolled_numbers or ()) != tuple(wanted)
          or (row.accommodation and row.accommodation != enrolment.accommodation_request)):
        outcome = UPDATED
    else:
        outcome = UNCHANGED
    return PlannedRow(row, outcome, identity, route, warnings, user, candidate, enrolment)


def apply_rows(actor, session, rows: list[PlannedRow]) -> None:
    """Write what the planned rows say (refused and unchanged ones are skipped). New
    accounts are written set-wise (a few INSERTs for the whole batch); the rest (an
    existing account, a correction) goes through the one-row operations. Flushes, never
    commits: the caller commits each batch with its progress."""
    blocks_by_number = {b.number: b for b in session.referential_version.blocks}
    new = [p for p in rows if p.outcome == CREATED and p.user is None]
    if new:
        _create_accounts(actor, session, new, blocks_by_number)
    for planned in rows:
        if planned.outcome in (CREATED, UPDATED) and planned.user is not None:
            _apply_row(actor, session, planned, blocks_by_number)
    db.session.flush()


def _create_accounts(actor, session, rows: list[PlannedRow], blocks_by_number: dict) -> None:
    """New candidates invited, recorded and enrolled: what ``enrol_new_candidate`` does
    for one, with the same rows and the same audit trail, in a dozen statements for the
    whole batch."""
    centre_id = session.centre_id
    user_ids = invite_many(actor, Role.CANDIDATE, [
        Invitee(p.row.email, p.identity.first_name_1,
                p.identity.usage_name or p.identity.birth_name, centre_id) for p in rows])
    by_user = {user_ids[p.row.email]: p for p in rows}
    candidate_ids = {uid: cid for cid, uid in insert_many(Candidate, [
        {"user_id": uid, "centre_id": centre_id, "access_route": p.access_route,
         **p.identity.values()} for uid, p in by_user.items()],
        returning=("id", "user_id"))}
    record_many(actor, "candidate.created", "Candidate", [
        {"object_id": candidate_ids[uid], "new": {
            "user_id": uid, "centre_id": centre_id, "access_route": str(p.access_route)}}
        for uid, p in by_user.items()])
    all_numbers = tuple(sorted(blocks_by_number))
    wanted = {candidate_ids[uid]: (p.row.blocks or all_numbers, p.row.accommodation or None)
              for uid, p in by_user.items()}
    enrolment_ids = {cid: eid for eid, cid in insert_many(Enrolment, [
        {"session_id": session.id, "candidate_id": cid, "full_title": numbers == all_numbers,
         "accommodation_request": asked} for cid, (numbers, asked) in wanted.items()],
        returning=("id", "candidate_id"))}
    db.session.execute(enrolment_blocks.insert(), [
        {"enrolment_id": enrolment_ids[cid], "block_id": blocks_by_number[n].id}
        for cid, (numbers, _asked) in wanted.items() for n in numbers])
    record_many(actor, "enrolment.created", "Enrolment", [
        {"object_id": enrolment_ids[cid], "session_id": session.id, "new": {
            "candidate_id": cid, "full_title": numbers == all_numbers, "blocks": list(numbers),
            **({"accommodation_request": asked} if asked else {})}}
        for cid, (numbers, asked) in wanted.items()])


def _apply_row(actor, session, planned: PlannedRow, blocks_by_number: dict) -> None:
    row = planned.row
    chosen = [blocks_by_number[n] for n in (row.blocks or sorted(blocks_by_number))]
    candidate = planned.candidate
    if candidate is None:
        candidate = create_candidate(actor, centre_id=session.centre_id, email=row.email,
                                     identity=planned.identity,
                                     access_route=planned.access_route)
    elif (Identity.of(candidate) != planned.identity
          or candidate.access_route != planned.access_route):
        update_candidate(actor, candidate, planned.identity, planned.access_route)
    if planned.enrolment is None:
        enrol_candidate(actor, session, candidate, chosen, row.accommodation)
    else:
        update_enrolment(actor, planned.enrolment, chosen, row.accommodation or None)


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _users_by_email(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for chunk in _chunks(sorted({normalize_email(e) for e in emails})):
        for user in db.session.scalars(select(User).where(User.email.in_(chunk))):
            found[normalize_email(user.email)] = user
    return found


def _centre_candidates(centre_id: int, user_ids: list[int]) -> dict[int, Candidate]:
    found: dict[int, Candidate] = {}
    for chunk in _chunks(user_ids):
        for candidate in db.session.scalars(select(Candidate).where(
                Candidate.centre_id == centre_id, Candidate.user_id.in_(chunk))):
            found[candidate.user_id] = candidate
    return found


def _session_enrolments(session_id: int, candidate_ids: list[int]) -> dict[int, Enrolment]:
    found: dict[int, Enrolment] = {}
    for chunk in _chunks(candidate_ids):
        for enrolment in db.session.scalars(select(Enrolment).where(
                Enrolment.session_id == session_id, Enrolment.candidate_id.in_(chunk))):
            found[enrolment.candidate_id] = enrolment
    return found


def _enrolment_block_numbers(enrolment_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for chunk in _chunks(enrolment_ids):
        for enrolment_id, number in db.session.execute(
                select(enrolment_blocks.c.enrolment_id, Block.number)
                .join(Block, Block.id == enrolment_blocks.c.block_id)
                .where(enrolment_blocks.c.enrolment_id.in_(chunk))
                .order_by(enrolment_blocks.c.enrolment_id, Block.number)):
            found.setdefault(enrolment_id, []).append(number)
    return found
