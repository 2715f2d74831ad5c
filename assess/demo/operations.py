"""Demo data: a centre, a session dated around today, and one account per role.

Idempotent: each piece is looked up before it is created, so running the
command twice changes nothing. Demo accounts are the only ones whose password
may be "demo" (``User.is_demo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import to_utc
from sqlalchemy import select

from workflows.session import DRAFT, ENROLMENT

from ..accounts.models import Gender, Role, User
from ..accounts.passwords import DEMO_PASSWORD, hash_password
from ..candidates.models import AccessRoute, Candidate, Enrolment
from ..candidates.operations import enrol_candidate
from ..centres.models import TrainingCentre
from ..certification.models import Certification
from ..core.columns import utcnow
from ..core.inserts import insert_unless_exists
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet, SheetStatus
from ..juries.composition import jury_of, save_jury
from ..juries.models import (
    ConflictOfInterest,
    JurorAvailability,
    LinkKind,
    juror_affiliations,
    juror_blocks,
    juror_centres,
)
from ..juries.operations import assign_juror
from ..results.operations import start_compute
from ..sessions.models import CertificationSession, PartKind
from ..sessions.operations import PartSchedule, create_session, schedule_exams, take_step
from .closed_session import closed_session

CENTRE_NAME = "Centre de formation Démo (Lyon)"
SESSION_NAME = "Session de démonstration"
# A session whose épreuves are over and graded, waiting for its jury to deliberate: the
# two evaluators of Léa Dupont's bloc 2 disagree on CR2.2.1.
DELIBERATION_NAME = "Session de juin (délibération)"
DISPUTED = "CR2.2.1"
OBSERVATIONS = {
    "acquis": "Le livrable répond à la consigne ; l'argumentation est étayée.",
    "partiellement_acquis": "La publication sur le CMS est faite mais le référencement "
                            "n'est pas travaillé.",
    "non_acquis": "Le dossier ne présente ni les indicateurs ni le bilan de l'action menée.",
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    first_name: str
    last_name: str
    profile: dict


ACCOUNTS = (
    DemoAccount("admin@demo.test", Role.CERTIFIER_ADMIN, "Claire", "Certificatrice", {}),
    DemoAccount("centre@demo.test", Role.CENTRE_ADMIN, "Marc", "Responsable", {}),
    DemoAccount("jury1@demo.test", Role.JUROR, "Sophie", "Martin",
                {"organisation": "Agence Pixel & Sens", "profession": "Responsable communication on-line",
                 "is_professional": True, "works_for_certifier": False, "gender": Gender.FEMALE}),
    DemoAccount("jury2@demo.test", Role.JUROR, "Karim", "Benali",
                {"organisation": "Studio Social", "profession": "Community manager",
                 "is_professional": False, "works_for_certifier": False, "gender": Gender.MALE}),
    # A trainer of the demo centre: not external to it, and Léa Dupont's trainer (a
    # declared link), so the demo shows the rules and the allocation avoiding her.
    DemoAccount("jury3@demo.test", Role.JUROR, "Nadia", "Roux",
                {"organisation": CENTRE_NAME, "profession": "Formatrice webmarketing",
                 "is_professional": True, "works_for_certifier": False, "gender": Gender.FEMALE}),
    DemoAccount("candidat1@demo.test", Role.CANDIDATE, "Léa", "Dupont", {}),
    DemoAccount("candidat2@demo.test", Role.CANDIDATE, "Hugo", "Moreau", {}),
    DemoAccount("candidat3@demo.test", Role.CANDIDATE, "Inès", "Lefèvre", {}),
    # Candidates of last year's closed session (closed_session.py).
    DemoAccount("candidat4@demo.test", Role.CANDIDATE, "Camille", "Bernard", {}),
    DemoAccount("candidat5@demo.test", Role.CANDIDATE, "Thomas", "Petit", {}),
    DemoAccount("candidat6@demo.test", Role.CANDIDATE, "Julie", "Garnier", {}),
)

# The candidates' identity as their centre recorded it; the third one's place of birth
# is still missing, so the demo shows what the CPF declaration would lack.
IDENTITIES = {
    "candidat1@demo.test": dict(birth_name="Dupont", first_name_1="Léa", first_name_2="Marie",
                                birth_date=date(1998, 4, 12), sex="F",
                                birth_insee_code="69123", birth_commune="Lyon"),
    "candidat2@demo.test": dict(birth_name="Moreau", first_name_1="Hugo",
                                birth_date=date(1995, 11, 3), sex="M",
                                birth_insee_code="2A004", birth_commune="Ajaccio"),
    "candidat3@demo.test": dict(birth_name="Lefèvre", usage_name="Martin-Lefèvre",
                                first_name_1="Inès", birth_date=date(2000, 1, 27), sex="F"),
    "candidat4@demo.test": dict(birth_name="Bernard", first_name_1="Camille",
                                birth_date=date(1993, 7, 19), sex="F",
                                birth_insee_code="33063", birth_commune="Bordeaux"),
    "candidat5@demo.test": dict(birth_name="Petit", first_name_1="Thomas", first_name_2="Paul",
                                birth_date=date(1990, 2, 8), sex="M",
                                birth_insee_code="59350", birth_commune="Lille"),
    "candidat6@demo.test": dict(birth_name="Garnier", first_name_1="Julie",
                                birth_date=date(1997, 10, 2), sex="F",
                                birth_insee_code="44109", birth_commune="Nantes"),
}
# The certifier's settings the documents and the CPF declaration print (fictitious codes).
CERTIFICATION = dict(rncp_code="RNCP99999", certifier_name="Certificateur Démo",
                     cpf_id_client="DEMO0001", cpf_id_contrat="DEMO-CONTRAT-01",
                     bloc_validity_years=5, appeal_days=30)


def _centre() -> TrainingCentre:
    centre = db.session.scalar(select(TrainingCentre).where(TrainingCentre.name == CENTRE_NAME))
    if centre is None:
        centre = TrainingCentre(name=CENTRE_NAME, city="Lyon")
        db.session.add(centre)
        db.session.flush()
    return centre


def _account(spec: DemoAccount, centre: TrainingCentre, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == spec.email))
    if user is None:
        needs_centre = spec.role in (Role.CENTRE_ADMIN, Role.CANDIDATE)
        user = User(email=spec.email, role=spec.role, first_name=spec.first_name,
                    last_name=spec.last_name, is_demo=True, password_hash=password_hash,
                    centre_id=centre.id if needs_centre else None, **spec.profile)
        db.session.add(user)
        db.session.flush()
    if spec.role == Role.JUROR:  # in the demo centre's pool
        insert_unless_exists(juror_centres, {"juror_id": user.id, "centre_id": centre.id},
                             unique=("juror_id", "centre_id"))
    if spec.role == Role.CANDIDATE and db.session.scalar(
            select(Candidate).where(Candidate.user_id == user.id)) is None:
        db.session.add(Candidate(user_id=user.id, centre_id=centre.id,
                                 access_route=AccessRoute.CONTINUING_PRO_CONTRACT,
                                 birth_country_code="100", **IDENTITIES[spec.email]))
        db.session.flush()
    return user


def _juror_profile(user: User, session: CertificationSession) -> None:
    """Blocs 1 to 3, available over the whole session, external to the demo centre (no
    affiliation): a jury of the two passes the composition rules but for what the demo
    shows failing."""
    for number in (1, 2, 3):
        insert_unless_exists(juror_blocks, {"juror_id": user.id, "block_number": number},
                             unique=("juror_id", "block_number"))
    if db.session.scalar(select(JurorAvailability.id).where(
            JurorAvailability.juror_id == user.id).limit(1)) is None:
        db.session.add(JurorAvailability(juror_id=user.id, starts_on=session.starts_on,
                                         ends_on=session.ends_on))
        db.session.flush()


def _trainer_of(juror: User, centre: TrainingCentre, session, candidate_user: User,
                recorded_by: User) -> None:
    """``juror`` works at ``centre`` and trains ``candidate_user``'s group: a link the
    centre recorded (the allocation never gives her that candidate)."""
    insert_unless_exists(juror_affiliations, {"juror_id": juror.id, "centre_id": centre.id},
                         unique=("juror_id", "centre_id"))
    enrolment = db.session.scalar(select(Enrolment).join(Candidate).where(
        Enrolment.session_id == session.id, Candidate.user_id == candidate_user.id))
    if enrolment is not None and db.session.scalar(select(ConflictOfInterest.id).where(
            ConflictOfInterest.juror_id == juror.id,
            ConflictOfInterest.enrolment_id == enrolment.id)) is None:
        db.session.add(ConflictOfInterest(juror_id=juror.id, enrolment_id=enrolment.id,
                                          kind=LinkKind.TRAINER,
                                          detail="Formatrice du groupe webmarketing 2026",
                                          declared_by_id=recorded_by.id))
        db.session.flush()


def _local(day: date, hour: int) -> datetime:
    """A wall-clock time in the platform's time zone, as the naive UTC the database stores."""
    return to_utc(datetime.combine(day, time(hour)))


def _schedule(today: date) -> dict[PartKind, PartSchedule]:
    """Case studies in a few days, the dossier due in two weeks, the oral a week later."""
    written, practical = today + timedelta(days=3), today + timedelta(days=4)
    return {
        PartKind.WRITTEN: PartSchedule(_local(written, 9), 240, "Salle 2, Centre Démo",
                                       _local(written, 17)),
        PartKind.PRACTICAL: PartSchedule(_local(practical, 9), 300,
                                         "Salle informatique, Centre Démo", _local(practical, 18)),
        PartKind.DOSSIER: PartSchedule(_local(today, 9), None, None,
                                       _local(today + timedelta(days=14), 18), remote=True),
        PartKind.ORAL: PartSchedule(_local(today + timedelta(days=21), 14), 45,
                                    "Salle 1, Centre Démo", None),
    }


def _session(admin: User, centre: TrainingCentre, today: date) -> CertificationSession:
    session = db.session.scalar(select(CertificationSession).where(
        CertificationSession.centre_id == centre.id, CertificationSession.name == SESSION_NAME))
    if session is not None:
        return session
    session = create_session(admin, centre_id=centre.id, name=SESSION_NAME,
                             starts_on=today - timedelta(days=7),
                             ends_on=today + timedelta(days=30))
    plan = _schedule(today)
    # Under way: its épreuves started a few days ago, which only the demo may write.
    schedule_exams(admin, session,
                   {p.id: plan[PartKind(p.kind)] for e in session.exams for p in e.parts},
                   allow_past=True)
    return session


def build_demo(today: date | None = None) -> dict:
    """Create what is missing; returns the objects the command prints."""
    today = today or date.today()
    centre = _centre()
    password_hash = hash_password(DEMO_PASSWORD)
    users = {spec.email: _account(spec, centre, password_hash) for spec in ACCOUNTS}
    admin = users["admin@demo.test"]
    session = _session(admin, centre, today)
    for spec in ACCOUNTS:
        if spec.role == Role.JUROR:
            _juror_profile(users[spec.email], session)
    jurors = {"candidat1@demo.test": users["jury1@demo.test"],
              "candidat2@demo.test": users["jury1@demo.test"],
              "candidat3@demo.test": users["jury2@demo.test"]}
    for email, juror in jurors.items():
        candidate = db.session.scalar(select(Candidate).where(Candidate.user_id == users[email].id))
        enrolment = db.session.scalar(select(Enrolment).where(
            Enrolment.session_id == session.id, Enrolment.candidate_id == candidate.id))
        if enrolment is None:
            enrolment = enrol_candidate(admin, session, candidate,
                                        list(session.referential_version.blocks))
        for exam in session.exams:
            assign_juror(admin, enrolment, exam, juror)
    _trainer_of(users["jury3@demo.test"], centre, session, users["candidat1@demo.test"],
                users["centre@demo.test"])
    # The session's jury: Sophie Martin presides, Karim Benali sits; it passes the rules.
    if jury_of(session.id, None) is None:
        save_jury(admin, session, None, {users["jury1@demo.test"].id: "president",
                                         users["jury2@demo.test"].id: "member"})
    # Opened and under way, as a centre would have it: candidates hand in, jurors grade.
    if session.status == DRAFT:
        take_step(admin, session, "open")
    if session.status == ENROLMENT:
        take_step(admin, session, "start_exams")
    settings = db.session.get(Certification, 1)
    if settings is None:
        settings = Certification(id=1)
        db.session.add(settings)
    for name, value in CERTIFICATION.items():  # what the certifier has not set yet
        if getattr(settings, name) is None:
            setattr(settings, name, value)
    if settings.expiry_date is None:  # the registration runs for a few more years
        settings.expiry_date = date(today.year + 3, 12, 31)
    db.session.flush()
    past = _deliberation_session(admin, centre, users, today)
    closed = closed_session(admin, centre, users, today, _graded)
    return {"centre": centre, "session": session, "deliberation": past, "closed": closed,
            "accounts": ACCOUNTS}


def _deliberation_session(admin: User, centre: TrainingCentre, users: dict,
                          today: date) -> CertificationSession:
    """Graded, in deliberation, its proposals being computed by the worker: the jury
    (Sophie Martin presiding, Karim Benali) deliberates, signs; the centre publishes."""
    session = db.session.scalar(select(CertificationSession).where(
        CertificationSession.centre_id == centre.id,
        CertificationSession.name == DELIBERATION_NAME))
    if session is not None:
        return session
    start = today - timedelta(days=60)
    session = create_session(admin, centre_id=centre.id, name=DELIBERATION_NAME,
                             starts_on=start, ends_on=today - timedelta(days=5))
    plan = {
        PartKind.WRITTEN: PartSchedule(_local(start + timedelta(days=2), 9), 240,
                                       "Salle 2, Centre Démo", _local(start + timedelta(days=2), 17)),
        PartKind.PRACTICAL: PartSchedule(_local(start + timedelta(days=3), 9), 300,
                                         "Salle informatique, Centre Démo",
                                         _local(start + timedelta(days=3), 18)),
        PartKind.DOSSIER: PartSchedule(_local(start, 9), None, None,
                                       _local(start + timedelta(days=30), 18), remote=True),
        PartKind.ORAL: PartSchedule(_local(start + timedelta(days=40), 14), 45,
                                    "Salle 1, Centre Démo", None),
    }
    schedule_exams(admin, session,
                   {p.id: plan[PartKind(p.kind)] for e in session.exams for p in e.parts},
                   allow_past=True)
    jury1, jury2 = users["jury1@demo.test"], users["jury2@demo.test"]
    save_jury(admin, session, None, {jury1.id: "president", jury2.id: "member"})
    take_step(admin, session, "open")
    for email in ("candidat1@demo.test", "candidat2@demo.test"):
        candidate = db.session.scalar(select(Candidate).where(
            Candidate.user_id == users[email].id))
        enrolment = enrol_candidate(admin, session, candidate,
                                    list(session.referential_version.blocks))
        for exam in session.exams:
            _graded(assign_juror(admin, enrolment, exam, jury1), {})
            if email == "candidat1@demo.test" and exam.block.number == 2:
                _graded(assign_juror(admin, enrolment, exam, jury2),
                        {DISPUTED: "partiellement_acquis"})
    take_step(admin, session, "start_exams")
    take_step(admin, session, "start_grading")
    take_step(admin, session, "deliberate")
    start_compute(admin, session)
    return session


def _graded(assignment, levels: dict[str, str]) -> None:
    """A sheet the juror submitted: every criterion acquis unless ``levels`` says."""
    sheet = GradingSheet(assignment_id=assignment.id, status=SheetStatus.SUBMITTED,
                         submitted_at=utcnow())
    for criterion in assignment.exam.block.criteria:
        level = levels.get(criterion.code, "acquis")
        sheet.marks.append(CriterionMark(criterion_id=criterion.id, level=level,
                                         observation=OBSERVATIONS[level]))
    db.session.add(sheet)
    db.session.flush()
