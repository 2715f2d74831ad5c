"""Who the archive is about, and the rows it reads: every query is scoped to the
enrolments of the archive's ``Scope`` (never another candidate's), set-based.

The scope: a candidate's own archive covers every centre that prepared them (one
``Candidate`` row each); a certifier's admin acting for them gets the same; a centre's
admin gets what their centre holds (its ``Candidate`` row and its enrolments). What belongs
to the person rather than to a centre (the e-mails sent to them, what they did themselves)
is in the archive only when the scope covers every centre (``whole_person``): a centre's
admin never reads what another centre holds.

Grading sheets, decisions, results and PV extracts are read only for the enrolments whose
results were published to the candidate (``TitleResult.published_at``): before that, the
deliberation is private and nothing of it is exported (the CNIL's reading of the right of
access to exam results)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Role, User
from ..audit.models import AuditEvent
from ..candidates.models import Candidate, Enrolment
from ..convocations.models import Convocation
from ..decisions.models import (
    Appeal,
    BlockDecision,
    LevelDecision,
    Minutes,
    MinutesSignature,
)
from ..documents.models import IssuedDocument
from ..extensions import db
from ..grading.models import CriterionMark, GradingSheet
from ..juries.models import Assignment
from ..notifications.models import Notification
from ..results.models import BlockResult, TitleResult
from ..sessions.models import CertificationSession, Exam
from ..submissions.models import DeadlineExtension, StoredFile, Submission, SubmittedLink


@dataclass
class Scope:
    """The person an archive is about and what of them it covers."""

    user: User
    candidates: list[Candidate]
    whole_person: bool
    enrolments: list[Enrolment] = field(default_factory=list)
    # The enrolments whose results were published to the candidate.
    published_ids: set[int] = field(default_factory=set)

    @property
    def enrolment_ids(self) -> list[int]:
        return [e.id for e in self.enrolments]

    @property
    def candidate_ids(self) -> list[int]:
        return [c.id for c in self.candidates]


def scope_for_self(user) -> Scope:
    candidates = list(db.session.scalars(
        select(Candidate).where(Candidate.user_id == user.id)
        .options(joinedload(Candidate.centre)).order_by(Candidate.id)))
    return _filled(Scope(user=user, candidates=candidates, whole_person=True))


def scope_for_admin(actor, candidate: Candidate) -> Scope:
    """``candidate`` already loaded through ``permissions.load_candidate_for``."""
    rows = list(db.session.scalars(
        select(Candidate).where(Candidate.user_id == candidate.user_id)
        .options(joinedload(Candidate.centre)).order_by(Candidate.id)))
    if actor.role == Role.CERTIFIER_ADMIN:
        mine = rows
    else:
        mine = [c for c in rows if c.centre_id == actor.centre_id]
    return _filled(Scope(user=candidate.user, candidates=mine,
                         whole_person=len(mine) == len(rows)))


def reloaded(user_id: int, candidate_ids: list[int], whole_person: bool) -> Scope:
    """The scope of ``scope_for_*`` read again in the current session: a streamed archive
    is written after the request's own session (and its objects) is gone."""
    candidates = list(db.session.scalars(
        select(Candidate).where(Candidate.id.in_(candidate_ids))
        .options(joinedload(Candidate.centre)).order_by(Candidate.id)))
    return _filled(Scope(user=db.session.get(User, user_id), candidates=candidates,
                         whole_person=whole_person))


def _filled(scope: Scope) -> Scope:
    if scope.candidates:
        scope.enrolments = list(db.session.scalars(
            select(Enrolment).where(Enrolment.candidate_id.in_(scope.candidate_ids))
            .options(joinedload(Enrolment.session).joinedload(CertificationSession.centre),
                     selectinload(Enrolment.blocks))
            .order_by(Enrolment.id)))
    if scope.enrolments:
        scope.published_ids = set(db.session.scalars(
            select(TitleResult.enrolment_id).where(
                TitleResult.enrolment_id.in_(scope.enrolment_ids),
                TitleResult.published_at.is_not(None))))
    return scope


def submissions(scope: Scope) -> list[Submission]:
    if not scope.enrolments:
        return []
    return list(db.session.scalars(
        select(Submission).where(Submission.enrolment_id.in_(scope.enrolment_ids))
        .options(joinedload(Submission.exam).joinedload(Exam.block),
                 selectinload(Submission.files), selectinload(Submission.links))
        .order_by(Submission.enrolment_id, Submission.exam_id)))


def extensions(scope: Scope) -> list[DeadlineExtension]:
    if not scope.enrolments:
        return []
    return list(db.session.scalars(select(DeadlineExtension).where(
        DeadlineExtension.enrolment_id.in_(scope.enrolment_ids)).order_by(DeadlineExtension.id)))


def sheets(scope: Scope) -> list[tuple[Assignment, GradingSheet]]:
    """The grading sheets of the published enrolments, with their lines."""
    if not scope.published_ids:
        return []
    rows = db.session.execute(
        select(Assignment, GradingSheet)
        .join(GradingSheet, GradingSheet.assignment_id == Assignment.id)
        .where(Assignment.enrolment_id.in_(sorted(scope.published_ids)))
        .options(joinedload(Assignment.exam).joinedload(Exam.block),
                 selectinload(GradingSheet.marks).joinedload(CriterionMark.criterion))
        .order_by(Assignment.enrolment_id, Assignment.exam_id, Assignment.id))
    return [(a, s) for a, s in rows]


def decisions(scope: Scope) -> dict[str, list]:
    ids = sorted(scope.published_ids)
    if not ids:
        return {"blocks": [], "levels": [], "block_results": [], "titles": []}
    return {
        "blocks": list(db.session.scalars(
            select(BlockDecision).where(BlockDecision.enrolment_id.in_(ids))
            .options(joinedload(BlockDecision.block)).order_by(BlockDecision.id))),
        "levels": list(db.session.scalars(
            select(LevelDecision).where(LevelDecision.enrolment_id.in_(ids))
            .order_by(LevelDecision.id))),
        "block_results": list(db.session.scalars(
            select(BlockResult).where(BlockResult.enrolment_id.in_(ids))
            .options(joinedload(BlockResult.block)).order_by(BlockResult.id))),
        "titles": list(db.session.scalars(
            select(TitleResult).where(TitleResult.enrolment_id.in_(ids))
            .order_by(TitleResult.id))),
    }


def minutes(scope: Scope) -> list[Minutes]:
    """The PVs (and amendments) of the sessions of the published enrolments: their
    metadata and signatures only; the caller keeps the lines about the candidate."""
    session_ids = sorted({e.session_id for e in scope.enrolments if e.id in scope.published_ids})
    if not session_ids:
        return []
    return list(db.session.scalars(
        select(Minutes).where(Minutes.session_id.in_(session_ids))
        .options(selectinload(Minutes.signatures).joinedload(MinutesSignature.user))
        .order_by(Minutes.session_id, Minutes.number)))


def accommodations(scope: Scope) -> list:
    from ..accommodations.models import Accommodation

    if not scope.enrolments:
        return []
    return list(db.session.scalars(
        select(Accommodation).where(Accommodation.enrolment_id.in_(scope.enrolment_ids))
        .options(selectinload(Accommodation.measures)).order_by(Accommodation.id)))


def appeals(scope: Scope) -> list[Appeal]:
    if not scope.enrolments:
        return []
    return list(db.session.scalars(
        select(Appeal).where(Appeal.enrolment_id.in_(scope.enrolment_ids))
        .options(selectinload(Appeal.files)).order_by(Appeal.id)))


def notifications(scope: Scope) -> list[Notification]:
    if not scope.whole_person:
        return []
    return list(db.session.scalars(
        select(Notification).where(Notification.recipient_id == scope.user.id)
        .order_by(Notification.created_at, Notification.id)))


def convocations(scope: Scope) -> list[Convocation]:
    if not scope.enrolments:
        return []
    return list(db.session.scalars(
        select(Convocation).where(Convocation.enrolment_id.in_(scope.enrolment_ids))
        .order_by(Convocation.id)))


def audit_events(scope: Scope) -> list[AuditEvent]:
    """The events about the candidate's own objects, and (whole person) what they did."""
    ids = scope.enrolment_ids
    published = sorted(scope.published_ids)
    subs = select(Submission.id).where(Submission.enrolment_id.in_(ids))
    objects = [
        ("Candidate", scope.candidate_ids),
        ("Enrolment", ids),
        ("Submission", subs),
        ("StoredFile", select(StoredFile.id).where(StoredFile.submission_id.in_(subs))),
        ("SubmittedLink", select(SubmittedLink.id).where(SubmittedLink.submission_id.in_(subs))),
        ("Appeal", select(Appeal.id).where(Appeal.enrolment_id.in_(ids))),
        ("Convocation", select(Convocation.id).where(Convocation.enrolment_id.in_(ids))),
        ("GradingSheet", select(GradingSheet.id)
         .join(Assignment, Assignment.id == GradingSheet.assignment_id)
         .where(Assignment.enrolment_id.in_(published))),
        ("CriterionMark", select(CriterionMark.id)
         .join(GradingSheet, GradingSheet.id == CriterionMark.sheet_id)
         .join(Assignment, Assignment.id == GradingSheet.assignment_id)
         .where(Assignment.enrolment_id.in_(published))),
        ("BlockDecision", select(BlockDecision.id).where(
            BlockDecision.enrolment_id.in_(published))),
        ("LevelDecision", select(LevelDecision.id).where(
            LevelDecision.enrolment_id.in_(published))),
    ]
    about = [and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(values))
             for kind, values in objects]
    if scope.whole_person:
        about += [and_(AuditEvent.object_type == "User", AuditEvent.object_id == scope.user.id),
                  AuditEvent.actor_id == scope.user.id]
    return list(db.session.scalars(
        select(AuditEvent).where(or_(*about)).options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at, AuditEvent.id)))


def issued_documents(scope) -> list:
    """The attestations and certificates issued for the published enrolments (without
    their bytes, read one at a time by ``document_pdf``)."""
    if not scope.published_ids:
        return []
    return list(db.session.execute(
        select(IssuedDocument.id, IssuedDocument.enrolment_id, IssuedDocument.kind,
               IssuedDocument.code, IssuedDocument.facts, IssuedDocument.issued_at,
               IssuedDocument.valid_until, IssuedDocument.sha256, IssuedDocument.revoked_at,
               IssuedDocument.badge_jwt)
        .where(IssuedDocument.enrolment_id.in_(sorted(scope.published_ids)))
        .order_by(IssuedDocument.enrolment_id, IssuedDocument.id)))


def document_pdf(document_id: int) -> bytes:
    return db.session.scalar(select(IssuedDocument.pdf).where(IssuedDocument.id == document_id))
