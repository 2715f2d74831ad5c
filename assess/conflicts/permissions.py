"""Who may declare or record a link between a juror and a candidate: the one place.

- A juror declares their own links, with the candidates within their reach: those of the
  sessions of the centres whose pool they are in, while the session is not past grading
  (enrolment, exams, grading), and the candidates of their own assignments. Nobody else's.
- The admins of a session (the certifier's, the admin of its centre) record known links
  between a juror of the session's pool and one of its candidates, and see every link of
  the session's candidates. Another centre's session is not found (404).
- A declared link is evidence: nobody withdraws it.
"""

from __future__ import annotations

from sqlalchemy import exists, select, true

from workflows.session import ENROLMENT, EXAMS, GRADING

from ..accounts.models import Role
from ..extensions import db
from ..juries.models import Assignment, juror_centres
from ..juries.permissions import in_pool
from ..sessions.models import CertificationSession
from ..sessions.permissions import can_view_session

# The sessions in which a juror may look a candidate up by name.
SEARCHABLE_STATES = frozenset({ENROLMENT, EXAMS, GRADING})


def is_juror(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.JUROR
                and user.active)


def reach_condition(juror):
    """SQL on ``CertificationSession``: the sessions whose candidates ``juror`` may find by
    name (``juries.permissions.pool_condition``, seen from the juror's side)."""
    state = CertificationSession.status.in_(SEARCHABLE_STATES)
    if juror.open_to_all_centres:
        return state & true()
    centres = select(juror_centres.c.centre_id).where(juror_centres.c.juror_id == juror.id)
    return state & CertificationSession.centre_id.in_(centres)


def assigned_to(juror, enrolment) -> bool:
    """Whether ``juror`` has (or had: withdrawn) an assignment for ``enrolment``."""
    return bool(db.session.scalar(select(exists().where(
        Assignment.juror_id == juror.id, Assignment.enrolment_id == enrolment.id))))


def can_declare_about(juror, enrolment) -> bool:
    """A juror's own declaration about ``enrolment``: within their reach."""
    if not is_juror(juror) or enrolment is None:
        return False
    session = enrolment.session
    if session.status in SEARCHABLE_STATES and in_pool(juror, session.centre_id):
        return True
    return assigned_to(juror, enrolment)


def can_record(user, session) -> bool:
    """Record a known link, see every link of the session's candidates."""
    return can_view_session(user, session)


def can_be_linked(juror, session) -> bool:
    """The jurors an admin may name in a link: active jurors of the session's pool."""
    return (juror is not None and juror.role == Role.JUROR and juror.active
            and in_pool(juror, session.centre_id))
