"""Who may see, compute and publish results: the one place for these rules.

Sessions are loaded with ``assess.sessions.permissions.load_session_for`` (403 for a
role without access, 404 for another centre's session); the rules below say what an
admin who sees the session may do with its results.
"""

from __future__ import annotations

from flask import abort

from ..candidates.models import Enrolment
from ..extensions import db
from ..jobs.models import Job
from ..sessions.models import CertificationSession
from ..sessions.permissions import can_view_session


def can_compute(user, session) -> bool:
    return can_view_session(user, session)


def can_publish(user, session) -> bool:
    return can_view_session(user, session)


def can_view_job(user, job: Job) -> bool:
    """A job's progress is seen by whoever sees the session it works on."""
    session = db.session.get(CertificationSession, job.session_id) if job.session_id else None
    return session is not None and can_view_session(user, session)


def load_job(user, job_id: int) -> Job:
    """The job if ``user`` may see it; 404 otherwise (ids cannot be probed)."""
    job = db.session.get(Job, job_id)
    if job is None or not can_view_job(user, job):
        abort(404)
    return job


def load_enrolment(session, enrolment_id: int):
    """An enrolment of ``session`` (already loaded for the user), else 404."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.session_id != session.id:
        abort(404)
    return enrolment


def load_own_enrolment(user, enrolment_id: int) -> Enrolment:
    """The candidate's own enrolment; 404 for anyone else's (ids cannot be probed)."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.candidate.user_id != user.id:
        abort(404)
    return enrolment
