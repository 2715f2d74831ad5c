"""Reads of the conflict-of-interest pages, each in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from workflows.session import ALLOWS

from ..accounts.models import Role, User
from ..candidates.models import Candidate, Enrolment
from ..extensions import db
from ..juries import queries as jury_queries
from ..juries.models import Assignment, ConflictOfInterest
from ..sessions.models import CertificationSession, Exam
from ..submissions.anonymity import shown_name
from .permissions import reach_condition

MIN_SEARCH = 2
MAX_SEARCH = 120
MAX_RESULTS = 20


@dataclass(frozen=True)
class Choice:
    """A candidate a juror may pick: ``value`` as posted ("a<assignment id>" for one of
    their assignments, "e<enrolment id>" for a candidate found by name)."""

    value: str
    label: str
    session: CertificationSession
    declared: bool = False  # already linked: shown, not offered again


@dataclass(frozen=True)
class OwnLink:
    conflict: ConflictOfInterest
    candidate: str  # as the juror may see them (module doc of ``own_links``)
    session: CertificationSession
    by_self: bool


def _with_people(query):
    return query.options(contains_eager(Enrolment.candidate).contains_eager(Candidate.user),
                         contains_eager(Enrolment.session))


def _enrolments():
    return (select(Enrolment).join(Enrolment.candidate).join(Candidate.user)
            .join(Enrolment.session))


def declared_ids(juror) -> set[int]:
    return set(db.session.scalars(select(ConflictOfInterest.enrolment_id)
                                  .where(ConflictOfInterest.juror_id == juror.id)))


def assigned_ids(juror) -> set[int]:
    """The enrolments the juror is (or was) assigned to: those they know by number."""
    return set(db.session.scalars(select(Assignment.enrolment_id).distinct()
                                  .where(Assignment.juror_id == juror.id)))


def own_links(juror) -> list[OwnLink]:
    """The juror's declared links (theirs and those an admin recorded), newest first; two
    statements. A candidate the juror grades (or graded) is named as on their grading page
    (by number in an anonymous session); one they found by name, by name: the page never
    tells them which number a name has."""
    conflicts = list(db.session.scalars(
        select(ConflictOfInterest).join(ConflictOfInterest.enrolment)
        .join(Enrolment.candidate).join(Candidate.user).join(Enrolment.session)
        .where(ConflictOfInterest.juror_id == juror.id)
        .options(contains_eager(ConflictOfInterest.enrolment).contains_eager(
                     Enrolment.candidate).contains_eager(Candidate.user),
                 contains_eager(ConflictOfInterest.enrolment).contains_eager(Enrolment.session))
        .order_by(ConflictOfInterest.declared_at.desc(), ConflictOfInterest.id.desc())))
    known_by_number = assigned_ids(juror) if conflicts else set()
    return [OwnLink(c, _label(juror, c.enrolment, c.enrolment_id in known_by_number),
                    c.enrolment.session, c.declared_by_id == juror.id) for c in conflicts]


def _label(juror, enrolment, assigned: bool) -> str:
    return shown_name(juror, enrolment) if assigned else enrolment.candidate.user.full_name


def assignment_choices(juror, declared: set[int]) -> list[Choice]:
    """One choice per candidate of the juror's active assignments, in the sessions where
    allocation may still change; one statement."""
    rows = db.session.scalars(
        select(Assignment).join(Assignment.enrolment).join(Enrolment.candidate)
        .join(Candidate.user).join(Enrolment.session)
        .where(Assignment.juror_id == juror.id, Assignment.withdrawn_at.is_(None),
               CertificationSession.status.in_(ALLOWS["assign"]))
        .options(contains_eager(Assignment.enrolment).contains_eager(Enrolment.candidate)
                 .contains_eager(Candidate.user),
                 contains_eager(Assignment.enrolment).contains_eager(Enrolment.session))
        .order_by(CertificationSession.id.desc(), Enrolment.anonymous_number, User.last_name,
                  User.first_name, Assignment.id))
    choices, seen = [], set()
    for a in rows:
        if a.enrolment_id in seen:
            continue
        seen.add(a.enrolment_id)
        choices.append(Choice(f"a{a.id}", shown_name(juror, a.enrolment), a.enrolment.session,
                              a.enrolment_id in declared))
    return choices


def assignment_choice(juror, assignment_id: int | None, declared: set[int]) -> Choice | None:
    """The choice of one of the juror's assignments (the « Déclarer un lien » link)."""
    if assignment_id is None:
        return None
    return next((c for c in assignment_choices(juror, declared)
                 if c.value == f"a{assignment_id}"), None)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(juror, text: str, declared: set[int]) -> tuple[list[Choice], bool]:
    """Candidates within the juror's reach whose name contains ``text`` (at least
    ``MIN_SEARCH`` characters), at most ``MAX_RESULTS``, and whether there were more: one
    statement. Never a list of everyone."""
    text = " ".join((text or "").split()).lower()
    # A name is short and printable: a crafted search (NUL bytes, which PostgreSQL refuses,
    # or a pattern too long for SQLite's LIKE) finds nobody rather than failing.
    if len(text) < MIN_SEARCH or len(text) > MAX_SEARCH or not text.isprintable():
        return [], False
    like = f"%{_escape_like(text)}%"
    names = [func.lower(User.first_name + " " + User.last_name),
             func.lower(User.last_name + " " + User.first_name),
             func.lower(Candidate.birth_name)]
    found = list(db.session.scalars(_with_people(
        _enrolments().where(reach_condition(juror),
                            or_(*(n.like(like, escape="\\") for n in names)))
        .order_by(User.last_name, User.first_name, CertificationSession.id.desc(),
                  Enrolment.id).limit(MAX_RESULTS + 1))))
    more = len(found) > MAX_RESULTS
    return [Choice(f"e{e.id}", e.candidate.user.full_name, e.session, e.id in declared)
            for e in found[:MAX_RESULTS]], more


def searched_choice(juror, enrolment_id: int, declared: set[int]) -> Choice | None:
    """A candidate found by name and posted back (the form shown again after an error)."""
    enrolment = db.session.scalar(_with_people(
        _enrolments().where(Enrolment.id == enrolment_id, reach_condition(juror))))
    if enrolment is None:
        return None
    return Choice(f"e{enrolment.id}", enrolment.candidate.user.full_name, enrolment.session,
                  enrolment.id in declared)


MAX_ID = 2**31 - 1  # what every database stores in an id column


def parse_choice(value: str | None) -> tuple[str, int] | None:
    """("a" or "e", id) from a posted choice, or None for anything else."""
    value = value or ""
    kind, number = value[:1], value[1:]
    if kind not in ("a", "e") or not number.isascii() or not number.isdigit():
        return None
    return (kind, int(number)) if 0 < int(number) <= MAX_ID else None


def enrolment_of_choice(juror, value: str) -> Enrolment | None:
    """The enrolment a posted choice names, or None (unknown, or not the juror's own
    assignment); whether the juror may name it is ``permissions.can_declare_about``."""
    parsed = parse_choice(value)
    if parsed is None:
        return None
    kind, number = parsed
    if kind == "a":
        return db.session.scalar(
            select(Enrolment).join(Assignment, Assignment.enrolment_id == Enrolment.id)
            .where(Assignment.id == number, Assignment.juror_id == juror.id)
            .options(joinedload(Enrolment.session)))
    return db.session.get(Enrolment, number, options=[joinedload(Enrolment.session)])


# -- the session's page -------------------------------------------------------------
def session_links(session) -> list[ConflictOfInterest]:
    """Every link of the session's candidates, with the people named: one statement."""
    juror, declared_by = aliased(User), aliased(User)
    return list(db.session.scalars(
        select(ConflictOfInterest)
        .join(ConflictOfInterest.enrolment).join(Enrolment.candidate).join(Candidate.user)
        .join(juror, juror.id == ConflictOfInterest.juror_id)
        .outerjoin(declared_by, declared_by.id == ConflictOfInterest.declared_by_id)
        .where(Enrolment.session_id == session.id)
        .options(contains_eager(ConflictOfInterest.enrolment).contains_eager(
                     Enrolment.candidate).contains_eager(Candidate.user),
                 contains_eager(ConflictOfInterest.juror.of_type(juror)),
                 contains_eager(ConflictOfInterest.declared_by.of_type(declared_by)))
        .order_by(ConflictOfInterest.declared_at.desc(), ConflictOfInterest.id.desc())))


@dataclass(frozen=True)
class ToReassign:
    enrolment: Enrolment
    exam: Exam
    active: int  # assignments that still count
    withdrawn: int
    needed: int  # the session's evaluators per work


def to_reassign(session) -> list[ToReassign]:
    """The (candidate, épreuve) pairs left with fewer evaluators than the session asks
    because an assignment was withdrawn: one statement."""
    active = func.count(case((Assignment.withdrawn_at.is_(None), Assignment.id)))
    withdrawn = func.count(Assignment.withdrawn_at)
    counts = (select(Assignment.enrolment_id, Assignment.exam_id,
                     active.label("active"), withdrawn.label("withdrawn"))
              .join(Enrolment, Enrolment.id == Assignment.enrolment_id)
              .where(Enrolment.session_id == session.id)
              .group_by(Assignment.enrolment_id, Assignment.exam_id)
              .having(and_(withdrawn > 0, active < session.evaluators_per_work))
              .subquery())
    rows = db.session.execute(
        select(Enrolment, Exam, counts.c.active, counts.c.withdrawn)
        .join(counts, counts.c.enrolment_id == Enrolment.id)
        .join(Exam, Exam.id == counts.c.exam_id)
        .join(Enrolment.candidate).join(Candidate.user)
        .options(contains_eager(Enrolment.candidate).contains_eager(Candidate.user),
                 joinedload(Exam.block))
        .order_by(User.last_name, User.first_name, Enrolment.id, Exam.position))
    return [ToReassign(e, x, n, w, session.evaluators_per_work) for e, x, n, w in rows]


def session_pool(session) -> list[User]:
    return jury_queries.pool(session.centre_id)


def session_enrolments(session) -> list[Enrolment]:
    return list(db.session.scalars(
        select(Enrolment).join(Enrolment.candidate).join(Candidate.user)
        .where(Enrolment.session_id == session.id)
        .options(contains_eager(Enrolment.candidate).contains_eager(Candidate.user))
        .order_by(User.last_name, User.first_name, Enrolment.id)))


def session_enrolment(session, enrolment_id: int | None) -> Enrolment | None:
    if enrolment_id is None:
        return None
    return db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id,
                                                     Enrolment.session_id == session.id)
                             .options(joinedload(Enrolment.session)))


def user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id is not None else None


def active_assignments(juror_id: int, enrolment_id: int) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).where(Assignment.juror_id == juror_id,
                                 Assignment.enrolment_id == enrolment_id,
                                 Assignment.withdrawn_at.is_(None))
        .options(joinedload(Assignment.exam).joinedload(Exam.block))
        .order_by(Assignment.id)))


def find_link(juror_id: int, enrolment_id: int) -> ConflictOfInterest | None:
    return db.session.scalar(select(ConflictOfInterest).where(
        ConflictOfInterest.juror_id == juror_id, ConflictOfInterest.enrolment_id == enrolment_id))


def admins_to_tell(session) -> list[User]:
    """The active admins of the session's centre; if there are none, the certifier's."""
    centre_admins = list(db.session.scalars(
        select(User).where(User.role == Role.CENTRE_ADMIN, User.active.is_(True),
                           User.centre_id == session.centre_id).order_by(User.id)))
    if centre_admins:
        return centre_admins
    return list(db.session.scalars(
        select(User).where(User.role == Role.CERTIFIER_ADMIN, User.active.is_(True))
        .order_by(User.id)))
