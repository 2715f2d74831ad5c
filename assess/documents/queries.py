"""What documents are issued from, and the lists of issued documents (set-based: a page
is two statements whatever it holds)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select

from workflows.deliberation import DeliberationStatus

from ..accounts.models import Role, User
from ..candidates.models import Candidate, Enrolment
from ..certification.models import Certification
from ..decisions.models import Deliberation
from ..extensions import db
from ..referential.models import Block, ReferentialVersion
from ..results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
from ..sessions.models import CertificationSession
from .codes import ALPHABET, LENGTH
from .models import DocumentKind, IssuedDocument

PAGE_SIZE = 50


@dataclass(frozen=True)
class IssueContext:
    """Everything a candidate's documents print, read once."""

    enrolment: Enrolment
    session: CertificationSession
    version: ReferentialVersion
    settings: Certification | None
    held_on: date  # the deliberation's date: the date of the decision
    acquired_on: date  # the candidate's publication: blocs count from that day
    validated: tuple[Block, ...]  # the blocs validated in this session, by number
    blocks: tuple[Block, ...]  # every bloc of the title
    awarded: bool


def issue_context(enrolment: Enrolment) -> IssueContext | None:
    """None unless the enrolment's results are published and its session deliberated:
    nothing is issued from a result the candidate cannot see."""
    title = db.session.scalar(select(TitleResult).where(
        TitleResult.enrolment_id == enrolment.id, TitleResult.published_at.is_not(None)))
    if title is None:
        return None
    deliberation = db.session.scalar(select(Deliberation).where(
        Deliberation.session_id == enrolment.session_id,
        Deliberation.status == DeliberationStatus.CLOSED))
    if deliberation is None:
        return None
    session = enrolment.session
    validated = tuple(db.session.scalars(
        select(Block).join(BlockResult, BlockResult.block_id == Block.id)
        .where(BlockResult.enrolment_id == enrolment.id,
               BlockResult.outcome == BlockOutcome.VALIDATED)
        .order_by(Block.number)))
    blocks = tuple(db.session.scalars(select(Block).where(
        Block.version_id == session.referential_version_id).order_by(Block.number)))
    return IssueContext(
        enrolment=enrolment, session=session, version=session.referential_version,
        settings=db.session.get(Certification, 1), held_on=deliberation.held_on,
        acquired_on=title.published_at.date(), validated=validated, blocks=blocks,
        awarded=title.outcome == TitleOutcome.AWARDED)


def documents_of(enrolment_id: int) -> list[IssuedDocument]:
    return list(db.session.scalars(
        select(IssuedDocument).outerjoin(Block, Block.id == IssuedDocument.block_id)
        .where(IssuedDocument.enrolment_id == enrolment_id)
        .order_by(IssuedDocument.kind.desc(), Block.number)))


def by_code(code: str) -> IssuedDocument | None:
    return db.session.scalar(select(IssuedDocument).where(IssuedDocument.code == code))


@dataclass(frozen=True)
class Row:
    id: int
    kind: DocumentKind
    code: str
    holder_name: str
    session_name: str
    bloc_number: int | None
    bloc_title: str | None
    issued_at: datetime
    valid_until: date | None
    revoked_at: datetime | None
    revocation_reason: str | None
    sha256: str

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _rows_query():
    return (select(IssuedDocument.id, IssuedDocument.kind, IssuedDocument.code,
                   User.first_name, User.last_name, User.email,
                   CertificationSession.name.label("session_name"), Block.number, Block.title,
                   IssuedDocument.issued_at, IssuedDocument.valid_until,
                   IssuedDocument.revoked_at, IssuedDocument.revocation_reason,
                   IssuedDocument.sha256)
            .select_from(IssuedDocument)
            .join(Enrolment, Enrolment.id == IssuedDocument.enrolment_id)
            .join(Candidate, Candidate.id == Enrolment.candidate_id)
            .join(User, User.id == Candidate.user_id)
            .join(CertificationSession, CertificationSession.id == Enrolment.session_id)
            .outerjoin(Block, Block.id == IssuedDocument.block_id))


def _row(r) -> Row:
    name = f"{r.first_name} {r.last_name}".strip() or r.email
    return Row(r.id, DocumentKind(r.kind), r.code, name, r.session_name, r.number, r.title,
               r.issued_at, r.valid_until, r.revoked_at, r.revocation_reason, r.sha256)


def candidate_documents(user) -> list[Row]:
    """The candidate's own documents, every session, the latest first."""
    return [_row(r) for r in db.session.execute(
        _rows_query().where(Candidate.user_id == user.id)
        .order_by(CertificationSession.id.desc(), IssuedDocument.kind.desc(), Block.number))]


_PARTIAL_CODE = re.compile(rf"^[{ALPHABET}]{{4,{LENGTH}}}$")


def _search(query, text: str):
    text = (text or "").strip()[:200]
    if not text:
        return query
    name = func.lower(User.first_name + " " + User.last_name)
    conditions = [name.contains(text.lower(), autoescape=True),
                  func.lower(User.last_name + " " + User.first_name).contains(
                      text.lower(), autoescape=True)]
    partial = re.sub(r"[\s\-]+", "", text).upper()
    if _PARTIAL_CODE.match(partial):
        conditions.append(IssuedDocument.code.startswith(partial, autoescape=True))
    return query.where(or_(*conditions))


def _scoped(query, user):
    if user.role == Role.CERTIFIER_ADMIN:
        return query
    return query.where(CertificationSession.centre_id == user.centre_id)


def page(user, text: str = "", number: int = 1) -> tuple[list[Row], int]:
    """The documents ``user`` may see (the certifier: all; a centre: its sessions'),
    filtered by a name or (the start of) a code; the latest first."""
    query = _search(_scoped(_rows_query(), user), text)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(IssuedDocument.issued_at.desc(),
                                             IssuedDocument.id.desc())
                              .limit(PAGE_SIZE).offset((max(number, 1) - 1) * PAGE_SIZE))
    return [_row(r) for r in rows], total or 0


def pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))
