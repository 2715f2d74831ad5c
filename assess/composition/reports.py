"""A session's juries checked against the composition rules, in a fixed number of
statements whatever the number of members, épreuves or candidates.

A session has its jury (it evaluates and deliberates) and, where it differs, the jury of
an épreuve (``Jury.exam_id``); an épreuve without its own is evaluated by the session's.
Each jury is checked on the candidates it assesses: the session's jury on every candidate
(it deliberates on all of them), an épreuve's jury on those enrolled in its bloc.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from workflows import jury_rules
from workflows.jury_rules import Link, Member, Problem

from ..accounts.models import User
from ..candidates.models import Candidate, Enrolment, enrolment_blocks
from ..extensions import db
from ..juries.models import ConflictOfInterest, Jury, JuryMember, MemberRole
from ..sessions.models import Exam
from .facts import affiliations


@dataclass(frozen=True)
class JuryReport:
    """One jury of the session (``jury`` None: not composed yet) and what the rules find."""

    exam: Exam | None  # None: the session's jury
    jury: Jury | None
    members: tuple[Member, ...]
    problems: tuple[Problem, ...]

    @property
    def blocking(self) -> list[Problem]:
        return jury_rules.blocking(self.problems)

    @property
    def title(self) -> str:
        if self.exam is None:
            return _("Jury de la session")
        return _("Jury de l'épreuve du bloc %(n)d", n=self.exam.block.number)


def session_juries(session_id: int) -> list[Jury]:
    return list(db.session.scalars(
        select(Jury).where(Jury.session_id == session_id)
        .options(selectinload(Jury.members).joinedload(JuryMember.user))
        .order_by(Jury.exam_id.is_not(None), Jury.exam_id, Jury.id)))


def reports(session, exams) -> list[JuryReport]:
    """The session's jury first, then each épreuve that has its own jury, in bloc order."""
    juries = session_juries(session.id)
    by_exam = {j.exam_id: j for j in juries}
    users = {m.user_id: m.user for j in juries for m in j.members}
    centres = affiliations(users)
    links, enrolled = _links(session.id, users)
    centre_ids = {session.centre_id}
    found = [_report(None, by_exam.get(None), centres, [k for k, _e in links], centre_ids)]
    for exam in exams:
        if exam.id in by_exam:
            assessed = {e for e, blocks in enrolled.items() if exam.block_id in blocks}
            found.append(_report(exam, by_exam[exam.id], centres,
                                 [k for k, e in links if e in assessed], centre_ids))
    return found


def _report(exam, jury, centres, links, centre_ids) -> JuryReport:
    members = tuple(
        Member(user_id=m.user_id, name=m.user.full_name,
               is_president=m.role == MemberRole.PRESIDENT,
               works_for_certifier=bool(m.user.works_for_certifier),
               affiliated_centres=centres.get(m.user_id, frozenset()),
               is_professional=bool(m.user.is_professional),
               gender=str(m.user.gender) if m.user.gender else None)
        for m in (jury.members if jury is not None else ()))
    return JuryReport(exam=exam, jury=jury, members=members,
                      problems=tuple(jury_rules.check(members, centre_ids, links)))


def _links(session_id: int, users) -> tuple[list[tuple[Link, int]], dict[int, set[int]]]:
    """The declared links of these jurors with the session's candidates (as (link,
    enrolment id)), and the blocs each of those candidates is enrolled in."""
    if not users:
        return [], {}
    rows = db.session.execute(
        select(ConflictOfInterest.juror_id, Enrolment.id, User.first_name, User.last_name)
        .join(Enrolment, Enrolment.id == ConflictOfInterest.enrolment_id)
        .join(Candidate, Candidate.id == Enrolment.candidate_id)
        .join(User, User.id == Candidate.user_id)
        .where(Enrolment.session_id == session_id,
               ConflictOfInterest.juror_id.in_(set(users)))
        .order_by(User.last_name, User.first_name)).all()
    links = [(Link(juror_id=j, candidate=f"{first} {last}"), e) for j, e, first, last in rows]
    enrolled: dict[int, set[int]] = {e: set() for _l, e in links}
    if enrolled:
        for enrolment_id, block_id in db.session.execute(
                select(enrolment_blocks.c.enrolment_id, enrolment_blocks.c.block_id)
                .where(enrolment_blocks.c.enrolment_id.in_(enrolled))):
            enrolled[enrolment_id].add(block_id)
    return links, enrolled


def blocking_problems(session, exams) -> tuple[str, ...]:
    """What stops the session's move to grading, each sentence naming its jury."""
    return tuple(_("%(jury)s — %(problem)s", jury=r.title, problem=p.render())
                 for r in reports(session, exams) for p in r.blocking)


def forced(session_id: int) -> Jury | None:
    """The session's jury if a certifier admin forced its composition (reason on record)."""
    return db.session.scalar(select(Jury).where(
        Jury.session_id == session_id, Jury.exam_id.is_(None), Jury.forced_at.is_not(None))
        .options(joinedload(Jury.forced_by)))
