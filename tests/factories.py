"""Row builders for tests. They write rows directly so that each feature's tests
depend only on the models, not on another feature's operations."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from flask_login import AnonymousUserMixin
from sqlalchemy import select

from assess.accounts.models import Role, User
from assess.accounts.passwords import hash_password
from assess.candidates.models import Candidate, Enrolment
from assess.centres.models import TrainingCentre
from assess.core.columns import utcnow
from assess.extensions import db
from assess.juries.models import Assignment, Jury, JuryMember, MemberRole, juror_centres
from assess.sessions.models import CertificationSession, Exam, ExamPart, PartKind, SessionStatus

DEFAULT_PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)
_HASH_CACHE: dict[str, str] = {}


def _hash(password: str) -> str:
    # argon2 is slow on purpose; tests reuse one hash per password.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


def create_centre(name: str | None = None) -> TrainingCentre:
    centre = TrainingCentre(name=name or f"Centre {next(_seq)}", city="Lyon")
    db.session.add(centre)
    db.session.flush()
    return centre


def create_user(role="candidate", *, email=None, password=DEFAULT_PASSWORD, centre=None,
                first_name="Prénom", last_name=None, **kwargs) -> User:
    n = next(_seq)
    role = Role(role)
    if role == Role.CENTRE_ADMIN and centre is None:
        centre = create_centre()
    user = User(
        email=email or f"{role.value}{n}@example.test",
        first_name=first_name, last_name=last_name or f"Nom{n}", role=role,
        centre_id=centre.id if centre else None,
        password_hash=_hash(password) if password else None, **kwargs,
    )
    db.session.add(user)
    db.session.flush()
    if role == Role.CANDIDATE:
        if centre is None:
            centre = create_centre()
            user.centre_id = centre.id
        db.session.add(Candidate(user_id=user.id, centre_id=centre.id, birth_name=user.last_name,
                                 first_name_1=user.first_name))
        db.session.flush()
    return user


def candidate_of(user: User) -> Candidate:
    return db.session.query(Candidate).filter_by(user_id=user.id).one()


def create_session(version, centre, *, name=None, deadline_in_days=7,
                   status=SessionStatus.EXAMS) -> CertificationSession:
    """A dated session, by default with its épreuves under way (enrolments, hand-ins,
    grading and assignments all allowed)."""
    today = utcnow().date()
    session = CertificationSession(centre_id=centre.id, referential_version_id=version.id,
                                   name=name or f"Session {next(_seq)}", status=status,
                                   starts_on=today - timedelta(days=1),
                                   ends_on=today + timedelta(days=30))
    db.session.add(session)
    db.session.flush()
    for position, block in enumerate(version.blocks, start=1):
        exam = Exam(session_id=session.id, block_id=block.id, position=position,
                    modality_kind=block.modality_kind)
        for p, part in enumerate(block.parts, start=1):
            exam.parts.append(ExamPart(
                kind=PartKind(part["kind"]), position=p, description=part["description"],
                # The first part has started (a case study takes hand-ins from its
                # start); the next ones are ahead.
                starts_at=utcnow() + timedelta(days=p - 1, hours=-1), duration_minutes=180,
                place="Salle 1",
                submission_deadline=utcnow() + timedelta(days=deadline_in_days),
            ))
        db.session.add(exam)
    db.session.flush()
    return session


def enrol(session, candidate_user, blocks=None) -> Enrolment:
    candidate = candidate_of(candidate_user)
    enrolment = Enrolment(session_id=session.id, candidate_id=candidate.id,
                          full_title=blocks is None)
    enrolment.blocks = list(blocks if blocks is not None
                            else session.referential_version.blocks)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def assign(juror, enrolment, exam) -> Assignment:
    a = Assignment(juror_id=juror.id, enrolment_id=enrolment.id, exam_id=exam.id)
    db.session.add(a)
    db.session.flush()
    return a


@dataclass
class World:
    centre: TrainingCentre
    admin: User
    centre_admin: User
    session: CertificationSession
    jurors: list[User]
    candidates: list[User]
    enrolments: list[Enrolment]
    assignments: list[Assignment] = field(default_factory=list)
    other_centre: TrainingCentre | None = None
    other_centre_admin: User | None = None


def build_world(version, *, candidates=2, jurors=2, assign_all=True,
                status=SessionStatus.EXAMS) -> World:
    """A centre with one session, its admin, candidates enrolled for the full title and
    (by default) every épreuve of every candidate assigned to the first juror.
    A second centre and its admin exist to test that centres do not see each other."""
    centre = create_centre()
    admin = create_user("certifier_admin")
    centre_admin = create_user("centre_admin", centre=centre)
    session = create_session(version, centre, status=status)
    juror_users = [create_user("juror") for _ in range(jurors)]
    for juror in juror_users:  # the centre's pool
        db.session.execute(juror_centres.insert().values(juror_id=juror.id, centre_id=centre.id))
    candidate_users = [create_user("candidate", centre=centre) for _ in range(candidates)]
    enrolments = [enrol(session, u) for u in candidate_users]
    assignments = []
    if assign_all and juror_users:
        for e in enrolments:
            for exam in session.exams:
                assignments.append(assign(juror_users[0], e, exam))
    other = create_centre()
    other_admin = create_user("centre_admin", centre=other)
    return World(centre, admin, centre_admin, session, juror_users, candidate_users,
                 enrolments, assignments, other, other_admin)


# The people of a World, by the names the permission tests give them.
ACTORS = {
    "anonymous": lambda w: AnonymousUserMixin(),
    "certifier_admin": lambda w: w.admin,
    "centre_admin": lambda w: w.centre_admin,
    "other_centre_admin": lambda w: w.other_centre_admin,
    "assigned_juror": lambda w: w.jurors[0],
    "enrolled_candidate": lambda w: w.candidates[0],
}
# Who may act on the World's session as its admin: the certifier's and the centre's.
ADMINS_OF_THE_SESSION = [(name, name in ("certifier_admin", "centre_admin")) for name in ACTORS]


def move_to(session, status) -> None:
    """Put ``session`` in ``status`` directly (its publication date kept consistent)."""
    status = SessionStatus(status)
    released = status in (SessionStatus.PUBLISHED, SessionStatus.CLOSED)
    published_at = (session.results_published_at or utcnow()) if released else None
    session.status, session.results_published_at = status, published_at
    db.session.flush()


def compose_jury(session, members, president=None, exam=None) -> Jury:
    """Give ``session`` (or its épreuve ``exam``) a jury of ``members`` (users), the first
    one (or ``president``) presiding. Profiles are left as they are."""
    president = president or (members[0] if members else None)
    jury = Jury(session_id=session.id, exam_id=exam.id if exam else None,
                name="Jury de l'épreuve" if exam else "Jury de la session")
    jury.members = [JuryMember(user_id=u.id, role=MemberRole.PRESIDENT if u is president
                               else MemberRole.MEMBER) for u in members]
    db.session.add(jury)
    db.session.flush()
    return jury


def valid_jury(session, jurors) -> Jury:
    """A jury that passes the composition rules: the jurors made external professionals."""
    for juror in jurors:
        juror.is_professional, juror.works_for_certifier = True, False
    return compose_jury(session, jurors)


def deliberate(session, actor, members=None, *, sign=True):
    """Hold the session's deliberation as a jury would, through the real operations: open
    it, retain the first evaluator's level on each disagreement, decide each bloc sat as
    its rule proposes (« non validé » where it proposes nothing), close it, and (``sign``)
    have every member sign the PV with their password, which seals it. The session must be
    in deliberation with its results computed; ``members``: the session's jury if it has
    none yet. Returns the PV."""
    from assess.deliberation import operations as deliberation
    from assess.deliberation import queries as dq
    from assess.minutes import operations as minutes_ops

    if members is not None and not any(j.exam_id is None for j in session_juries(session)):
        valid_jury(session, members)
    deliberation.open_deliberation(actor, session, held_on=utcnow().date(), place="Lille")
    for line in dq.board(session).candidates:
        for bloc in line.blocs:
            if not bloc.sat:
                continue
            levels = {c.code: (c.readings[0].level, "Le jury retient la première lecture.")
                      for c in bloc.criteria if c.disputed}
            proposal = _proposal_after(session, line.enrolment.id, bloc, levels)
            outcome = proposal if proposal in ("validated", "not_validated") else "not_validated"
            deliberation.decide(actor, session, line.enrolment.id, bloc.block.id,
                                outcome=outcome, levels=levels,
                                reason="Décision du jury après examen du dossier.")
    pv = deliberation.close_deliberation(actor, session)
    if sign:
        for user_id in list(pv.signers):
            minutes_ops.sign(db.session.get(User, user_id), pv, DEFAULT_PASSWORD,
                             pv.content_sha256)
    db.session.flush()
    return pv


def _proposal_after(session, enrolment_id, bloc, levels):
    from assess.results import queries as rq
    from rubrics.scoring import block_outcome  # noqa: I001

    merged = {**(bloc.result.criterion_levels or {}),
              **{code: level for code, (level, _why) in levels.items()}}
    return block_outcome(rq.rule_of(bloc.block.rule), merged,
                         rq.scale_of(session.referential_version.data))


def session_juries(session):
    return list(db.session.scalars(select(Jury).where(Jury.session_id == session.id)))


def jury_deliberates(w) -> None:
    """The World's jury (its jurors) deliberates and signs (``deliberate``) if the session's
    results allow it to open its deliberation; otherwise nothing happens (publishing is
    then refused, as it should be). Commits."""
    from assess.decisions.facts import deliberation_of
    from workflows.base import TransitionRefused

    if deliberation_of(w.session.id) is not None:
        return
    try:
        deliberate(w.session, w.centre_admin, members=w.jurors)
    except TransitionRefused:
        db.session.rollback()
        return
    from assess.outbox import relay

    relay.commit()
