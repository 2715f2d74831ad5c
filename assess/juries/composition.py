"""Composing a session's juries: the session's jury (it evaluates and deliberates) and, where
it differs, an épreuve's own jury; a certifier admin's forced move past the rules.

A jury may be saved while it still breaks a rule (it is being composed): the rules
(workflows.jury_rules, read by ``assess.composition.reports``) block the move to grading
and to deliberation, not the saving. Each operation takes the acting user, audits,
flushes, never commits."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import func, select

from workflows.base import Refused
from workflows.session import GRADING

from ..accounts.models import Role, User
from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..grading.models import GradingSheet
from ..sessions.models import Exam
from ..sessions.operations import ensure_allows
from ..unit_of_work import Conflict
from .models import Assignment, Jury, JuryMember, MemberRole
from .permissions import can_compose, can_force_jury, pool_condition

REASON_MIN = 20  # a forced move is explained in a sentence, not a word


class JuryRefused(Refused):
    """A jury change that cannot be made; the message says what to do."""


def jury_of(session_id: int, exam_id: int | None) -> Jury | None:
    return db.session.scalar(select(Jury).where(
        Jury.session_id == session_id,
        Jury.exam_id.is_(None) if exam_id is None else Jury.exam_id == exam_id))


def save_jury(actor, session, exam: Exam | None, roles: Mapping[int, str],
              version: int | None = None) -> Jury | None:
    """Give the session's jury (``exam`` None) or ``exam``'s jury the members ``roles``
    (juror id -> 'president' | 'member'). ``version``: the jury's version the form was
    loaded with (None for a jury not created yet); another version is a Conflict.
    A member with grading sheets in the session is not removed once grading has started:
    their sheets are part of the assessment."""
    ensure_allows(session, "jury")
    if not can_compose(actor, session):
        raise JuryRefused(_("Vous ne pouvez pas composer les jurys de cette session."))
    if exam is not None and exam.session_id != session.id:
        raise JuryRefused(_("Cette épreuve n'appartient pas à la session."))
    jury = jury_of(session.id, exam.id if exam else None)
    if (jury.version if jury else None) != version:
        raise Conflict(jury)
    wanted = _checked_roles(session, roles)
    if jury is None and not wanted:
        return None
    if jury is None:
        jury = Jury(session_id=session.id, exam_id=exam.id if exam else None,
                    name=_jury_name(exam))
        db.session.add(jury)
    old = {m.user_id: str(m.role) for m in jury.members}
    if old == wanted:
        return jury
    _refuse_removing_graders(session, exam, set(old) - set(wanted))
    current = {m.user_id: m for m in jury.members}
    for user_id, member in current.items():
        if user_id not in wanted:
            jury.members.remove(member)
    for user_id, role in wanted.items():
        if user_id in current:
            current[user_id].role = MemberRole(role)
        else:
            jury.members.append(JuryMember(user_id=user_id, role=MemberRole(role)))
    jury.version = (jury.version or 0) + 1 if jury.id else 1
    # A force covered the composition it was given for: a new one is checked again.
    _clear_force(actor, session)
    db.session.flush()
    record(actor, "jury.composed", jury, session_id=session.id,
           old={"members": _plain(old)} if old else None, new={"members": _plain(wanted)})
    return jury


def remove_exam_jury(actor, session, exam: Exam, version: int) -> None:
    """The épreuve is evaluated by the session's jury again."""
    ensure_allows(session, "jury")
    if not can_compose(actor, session):
        raise JuryRefused(_("Vous ne pouvez pas composer les jurys de cette session."))
    jury = jury_of(session.id, exam.id)
    if jury is None:
        return
    if jury.version != version:
        raise Conflict(jury)
    old = {m.user_id: str(m.role) for m in jury.members}
    record(actor, "jury.removed", jury, session_id=session.id, old={"members": _plain(old)})
    db.session.delete(jury)
    _clear_force(actor, session)
    db.session.flush()


def force_jury(actor, session, reason: str) -> Jury:
    """A certifier admin passes over the composition rules, with a written reason that is
    audited and printed on the PV. It holds until a jury of the session changes."""
    if not can_force_jury(actor, session):
        raise JuryRefused(_("Seul un administrateur du certificateur peut passer outre les "
                            "règles de composition du jury."))
    ensure_allows(session, "jury")
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise JuryRefused(_("Expliquez en une phrase au moins (%(n)d caractères) pourquoi "
                            "le jury siège malgré les règles : ce motif figurera au "
                            "procès-verbal.", n=REASON_MIN))
    if len(reason) > 2000:
        raise JuryRefused(_("Le motif est trop long : 2 000 caractères au plus."))
    jury = jury_of(session.id, None)
    if jury is None:
        raise JuryRefused(_("Composez d'abord le jury de la session : il n'y a rien à "
                            "valider sans membre."))
    jury.forced_at, jury.forced_by_id, jury.forced_reason = utcnow(), actor.id, reason
    db.session.flush()
    record(actor, "jury.forced", jury, session_id=session.id, reason=reason)
    return jury


def _clear_force(actor, session) -> None:
    jury = jury_of(session.id, None)
    if jury is not None and jury.forced_at is not None:
        record(actor, "jury.force_lifted", jury, session_id=session.id,
               old={"forced_reason": jury.forced_reason})
        jury.forced_at = jury.forced_by_id = jury.forced_reason = None


def _checked_roles(session, roles: Mapping[int, str]) -> dict[int, str]:
    wanted = {}
    for user_id, role in roles.items():
        if role not in (MemberRole.PRESIDENT, MemberRole.MEMBER):
            raise JuryRefused(_("Rôle inconnu : rechargez la page et réessayez."))
        wanted[int(user_id)] = str(role)
    if wanted:
        known = set(db.session.scalars(select(User.id).where(
            User.id.in_(wanted), User.role == Role.JUROR, User.active.is_(True),
            pool_condition(session.centre_id))))
        if known != set(wanted):
            raise JuryRefused(_("Membre du jury inconnu : rechargez la page et réessayez."))
    return wanted


def _refuse_removing_graders(session, exam, removed: set[int]) -> None:
    if not removed or session.status != GRADING:
        return
    query = (select(User.first_name, User.last_name, func.count(GradingSheet.id))
             .join(Assignment, Assignment.juror_id == User.id)
             .join(GradingSheet, GradingSheet.assignment_id == Assignment.id)
             .where(User.id.in_(removed), Assignment.withdrawn_at.is_(None),
                    Assignment.exam_id.in_(select(Exam.id).where(Exam.session_id == session.id)))
             .group_by(User.id, User.first_name, User.last_name))
    if exam is not None:
        query = query.where(Assignment.exam_id == exam.id)
    graders = [f"{first} {last}" for first, last, _n in db.session.execute(query)]
    if graders:
        raise JuryRefused(_("La correction a commencé et %(names)s a déjà des grilles dans "
                            "ce jury : ce membre reste au jury. Pour le remplacer, retirez "
                            "d'abord ses affectations non soumises.",
                            names=", ".join(sorted(graders))))


def _jury_name(exam) -> str:
    if exam is None:
        return _("Jury de la session")
    return _("Jury de l'épreuve du bloc %(n)d", n=exam.block.number)


def _plain(roles: Mapping[int, str]) -> list[dict]:
    return [{"juror_id": k, "role": v} for k, v in sorted(roles.items())]
