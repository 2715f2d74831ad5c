"""The demo's closed session of the previous year: the end of the story at once.

Three candidates sat it; the jury deliberated in June, every member signed the PV, the
centre published, the attestations and certificates were issued, one candidate appealed
and was answered, and the session is closed. Its two title holders have identities the
CPF declaration accepts, so ``assess cpf export`` for that year gives a valid file.

Everything goes through the real operations; only dates are written back afterwards (a
publication and an appeal a year ago), which only the demo may do.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import to_utc
from sqlalchemy import select, update

from ..accounts.models import User
from ..accounts.passwords import DEMO_PASSWORD
from ..appeals import operations as appeals
from ..candidates.models import Candidate
from ..candidates.operations import enrol_candidate
from ..deliberation import operations as deliberation
from ..deliberation import queries as dq
from ..extensions import db
from ..jobs import operations as jobs
from ..jobs.models import JobKind
from ..juries.composition import save_jury
from ..juries.operations import assign_juror
from ..minutes import operations as minutes
from ..results import operations as results
from ..results.models import TitleResult
from ..results.tasks import compute_results
from ..sessions.models import CertificationSession, PartKind
from ..sessions.operations import PartSchedule, create_session, schedule_exams, take_step

CLOSED_NAME = "Session de l'an dernier (close)"
# Who sat it, and the criteria their evaluator did not find acquired.
SITTERS = {
    "candidat4@demo.test": {},
    "candidat5@demo.test": {},
    # Bloc 3 not validated: the title is not awarded; she appeals and is answered.
    "candidat6@demo.test": {"CR3.2": "non_acquis", "CR3.3": "partiellement_acquis"},
}
APPELLANT = "candidat6@demo.test"


def _local(day: date, hour: int) -> datetime:
    return to_utc(datetime.combine(day, time(hour)))


def closed_session(admin: User, centre, users: dict, today: date, graded) -> CertificationSession:
    session = db.session.scalar(select(CertificationSession).where(
        CertificationSession.centre_id == centre.id, CertificationSession.name == CLOSED_NAME))
    if session is not None:
        return session
    year = today.year - 1
    start, held_on = date(year, 3, 2), date(year, 6, 26)
    session = create_session(admin, centre_id=centre.id, name=CLOSED_NAME, starts_on=start,
                             ends_on=date(year, 6, 30))
    plan = {
        PartKind.WRITTEN: PartSchedule(_local(date(year, 4, 7), 9), 240, "Salle 2, Centre Démo",
                                       _local(date(year, 4, 7), 17)),
        PartKind.PRACTICAL: PartSchedule(_local(date(year, 4, 8), 9), 300,
                                         "Salle informatique, Centre Démo",
                                         _local(date(year, 4, 8), 18)),
        PartKind.DOSSIER: PartSchedule(_local(start, 9), None, None,
                                       _local(date(year, 5, 29), 18), remote=True),
        PartKind.ORAL: PartSchedule(_local(date(year, 6, 11), 14), 45, "Salle 1, Centre Démo",
                                    None),
    }
    schedule_exams(admin, session,
                   {p.id: plan[PartKind(p.kind)] for e in session.exams for p in e.parts},
                   allow_past=True)
    president, member = users["jury1@demo.test"], users["jury2@demo.test"]
    save_jury(admin, session, None, {president.id: "president", member.id: "member"})
    take_step(admin, session, "open")
    enrolments = {}
    for email, levels in SITTERS.items():
        candidate = db.session.scalar(select(Candidate).where(
            Candidate.user_id == users[email].id))
        enrolment = enrol_candidate(admin, session, candidate,
                                    list(session.referential_version.blocks))
        enrolments[email] = enrolment
        for exam in session.exams:
            graded(assign_juror(admin, enrolment, exam, president), levels)
    take_step(admin, session, "start_exams")
    take_step(admin, session, "start_grading")
    take_step(admin, session, "deliberate")
    # Computed here rather than by the worker: the rest of the story needs the results.
    job = jobs.create_job(admin, JobKind.COMPUTE_RESULTS, session_id=session.id,
                          total=len(enrolments))
    job.created_at = _local(held_on - timedelta(days=3), 18)  # asked for before the jury sat
    db.session.flush()
    compute_results({"job_id": job.id})
    _deliberate(session, president, member, held_on)
    results.publish_results(admin, session)
    appellant = enrolments[APPELLANT]
    appeal = appeals.file_appeal(users[APPELLANT], appellant,
                                 "Je conteste la décision sur le bloc 3 : la soutenance a été "
                                 "écourtée par un incident technique.")
    appeals.review(admin, appeal)
    appeals.reject(admin, appeal, "Le procès-verbal de soutenance ne mentionne aucun incident "
                                  "et l'évaluation a porté sur tous les critères du bloc 3.")
    _backdate(session, enrolments.values(), appeal, held_on)
    # Issued from the backdated publication (the validity of the blocs counts from it).
    _issue_documents(enrolments.values())
    take_step(admin, session, "close")
    return session


def _deliberate(session, president: User, member: User, held_on: date) -> None:
    """The jury decides each bloc as its rule proposes, closes, and both members sign."""
    deliberation.open_deliberation(president, session, held_on=held_on, place="Lyon")
    for line in dq.board(session).candidates:
        for bloc in line.blocs:
            if bloc.sat:
                deliberation.decide(president, session, line.enrolment.id, bloc.block.id,
                                    outcome=str(bloc.result.outcome), levels={},
                                    reason=None)
    pv = deliberation.close_deliberation(president, session)
    for signer in (president, member):
        minutes.sign(signer, pv, DEMO_PASSWORD, pv.content_sha256)


def _issue_documents(enrolments) -> None:
    from ..documents.operations import issue_documents

    for enrolment in enrolments:
        issue_documents(enrolment)


def _backdate(session, enrolments, appeal, held_on: date) -> None:
    """A publication three days after the deliberation, the appeal within its period."""
    published = _local(held_on + timedelta(days=3), 10)
    session.results_published_at = published
    db.session.execute(update(TitleResult).where(
        TitleResult.enrolment_id.in_([e.id for e in enrolments])).values(published_at=published),
        execution_options={"synchronize_session": False})
    appeal.filed_at = _local(held_on + timedelta(days=10), 11)
    appeal.reviewed_at = _local(held_on + timedelta(days=12), 9)
    appeal.answered_at = appeal.closed_at = _local(held_on + timedelta(days=20), 15)
    db.session.flush()
