"""Issue, revoke and redraw the candidates' documents. They flush, never commit.

Documents are issued once a candidate's results are published (``queue_issue``, called by
the publication in its transaction; the worker runs ``issue_documents``): one attestation
per bloc validated in the session, the certificate when the title is awarded. Each is
drawn from the facts recorded with it, so that ``regenerate`` draws the same bytes again.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from rubrics.scoring import add_years
from workflows.base import Refused

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..notifications.operations import notify
from ..outbox.operations import enqueue_many
from ..results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
from . import badges, pdf
from . import queries as q
from .codes import new_code
from .models import DocumentKind, IssuedDocument
from .permissions import can_manage

ISSUE_TASK = "documents.issue"
AVAILABLE_EVENT = "documents_available"
FACTS_FORMAT = 1
MAX_REASON = 2000


class DocumentRefused(Refused):
    """A change to a document the platform cannot make; the message says why."""


def queue_issue(enrolment_ids, *, occasion: str = "publication") -> None:
    """Queue the issue of these enrolments' documents, once per enrolment and occasion,
    in the caller's transaction (their results are being published)."""
    ids = sorted(set(enrolment_ids))
    if ids and current_app.config.get("DOCUMENTS_ON_PUBLICATION", True):
        enqueue_many(ISSUE_TASK, [({"enrolment_id": i}, f"{ISSUE_TASK}:{i}:{occasion}")
                                  for i in ids])


def issue_documents(enrolment, actor=None) -> list[IssuedDocument]:
    """Issue what the enrolment's published results give and is not issued yet; returns
    all its documents. Idempotent: never two documents of a kind for one enrolment (and
    bloc), a revoked one included. Nothing before publication and deliberation."""
    ctx = q.issue_context(enrolment)
    if ctx is None:
        return []
    have = {(d.kind, d.block_id) for d in q.documents_of(enrolment.id)}
    wanted = [(DocumentKind.BLOC, b) for b in ctx.validated]
    if ctx.awarded:
        wanted.append((DocumentKind.TITLE, None))
    for kind, block in wanted:
        if (kind, block.id if block else None) not in have:
            _issue(actor, ctx, kind, block)
    return q.documents_of(enrolment.id)


def _issue(actor, ctx: q.IssueContext, kind: DocumentKind, block) -> IssuedDocument | None:
    issued_at = utcnow().replace(microsecond=0)
    code = new_code()
    facts = _facts(ctx, kind, block, code, issued_at)
    content, sealed = pdf.draw(facts)
    document = IssuedDocument(
        kind=kind, enrolment_id=ctx.enrolment.id, block_id=block.id if block else None,
        code=code, facts=facts, issued_at=issued_at,
        valid_until=_valid_until(facts), content_sha256=pdf.sha256(content),
        pdf=sealed, sha256=pdf.sha256(sealed), badge_jwt=badges.signed_credential(facts))
    try:
        with db.session.begin_nested():  # another process issued it meanwhile: keep theirs
            db.session.add(document)
    except IntegrityError:
        return None
    record(actor, "documents.issued", document,
           new={"kind": str(kind), "bloc": block.number if block else None,
                "sha256": document.sha256, "content_sha256": document.content_sha256},
           session_id=ctx.session.id)
    return document


def _valid_until(facts: dict):
    from datetime import date

    return date.fromisoformat(facts["valid_until"]) if facts.get("valid_until") else None


def _facts(ctx: q.IssueContext, kind: DocumentKind, block, code: str, issued_at) -> dict:
    """What the document prints, as plain JSON values: the référentiel's texts exactly as
    the session's version stores them, the certifier's settings as they are today."""
    base = current_app.config["BASE_URL"].rstrip("/")
    settings = ctx.settings
    data = ctx.version.data or {}
    by_number = {b.get("number"): b for b in data.get("blocks", [])}
    years = settings.bloc_validity_years if settings else None
    limited = kind == DocumentKind.BLOC and years
    holder = ctx.enrolment.candidate.user.full_name

    def bloc_facts(b, with_competences: bool) -> dict:
        out = {"number": b.number, "code": b.code, "title": b.title}
        if with_competences:
            out["competences"] = [{"code": c.get("code"), "text": c.get("text")}
                                  for c in by_number.get(b.number, {}).get("competences", [])]
        return out

    with force_locale("fr"):
        reason = (_("Attestation de bloc de compétences — %(name)s", name=holder)
                  if kind == DocumentKind.BLOC else _("Certificat — %(name)s", name=holder))
    return {
        "format": FACTS_FORMAT,
        "kind": str(kind),
        "code": code,
        "base_url": base,
        "verify_url": f"{base}/verify/{code}",
        "holder_name": holder,
        "certification_title": data.get("title") or ctx.version.title,
        "rncp_code": (settings.rncp_code if settings else None) or ctx.version.rncp_code,
        "certifier_name": settings.certifier_name if settings else None,
        "session_name": ctx.session.name,
        "centre_name": ctx.session.centre.name,
        "decision_date": ctx.held_on.isoformat(),
        "acquired_on": ctx.acquired_on.isoformat(),
        "validity_years": years if limited else None,
        "valid_until": add_years(ctx.acquired_on, years).isoformat() if limited else None,
        "blocs": ([bloc_facts(block, True)] if kind == DocumentKind.BLOC
                  else [bloc_facts(b, False) for b in ctx.blocks]),
        "issued_at": issued_at.isoformat(),
        "seal_reason": reason,
    }


def notify_available(enrolment, documents: list[IssuedDocument]) -> None:
    """Tell the candidate their documents can be downloaded (once per set of documents)."""
    current = [d for d in documents if not d.revoked]
    if not current:
        return
    user = enrolment.candidate.user
    link = current_app.config["BASE_URL"].rstrip("/") + "/mes-documents"  # documents.mine
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        what = ngettext("%(num)d document", "%(num)d documents", len(current))
        subject = _("Vos documents de certification sont disponibles")
        body = _(
            "Bonjour %(name)s,\n\n"
            "À la suite de la session « %(session)s », %(what)s vous sont délivrés "
            "(attestations de blocs de compétences, certificat) : des PDF scellés et leurs "
            "badges numériques (Open Badges).\n"
            "Connectez-vous pour les télécharger : %(link)s\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=user.full_name, session=enrolment.session.name, what=what, link=link)
    newest = max(d.id for d in current)
    notify(AVAILABLE_EVENT, user, f"enrolment:{enrolment.id}:{newest}", subject, body,
           link=link)


def revoke(actor, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke ``document`` for ``reason`` (the certifier's decision): its verification
    page says so from now on."""
    if not can_manage(actor):
        raise DocumentRefused(_("Seul le certificateur peut révoquer un document."))
    reason = (reason or "").strip()
    if not reason:
        raise DocumentRefused(_("Indiquez le motif de la révocation."))
    if len(reason) > MAX_REASON:
        raise DocumentRefused(_("Le motif ne doit pas dépasser %(n)d caractères.",
                                n=MAX_REASON))
    return _revoke(actor, document, reason)


def _revoke(actor, document: IssuedDocument, reason: str) -> IssuedDocument:
    now = utcnow()
    changed = db.session.execute(
        update(IssuedDocument)
        .where(IssuedDocument.id == document.id, IssuedDocument.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=getattr(actor, "id", None),
                revocation_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:  # someone revoked it meanwhile
        raise DocumentRefused(_("Ce document est déjà révoqué."))
    db.session.refresh(document)
    record(actor, "documents.revoked", document, new={"code": document.code}, reason=reason,
           session_id=document.enrolment.session_id)
    return document


@dataclass(frozen=True)
class Regeneration:
    identical: bool  # the sealed PDF drawn again has the recorded SHA-256
    content_identical: bool  # the PDF before its seal too
    badge_identical: bool
    repaired: bool  # the stored bytes had changed; the identical drawing replaced them


def regenerate(actor, document: IssuedDocument) -> Regeneration:
    """Draw ``document`` again from its recorded facts and compare with what was issued.
    Identical: the stored bytes are checked, and put back if they were damaged. Different
    (a new PDF engine, another seal key): nothing is replaced, the difference is audited."""
    if not can_manage(actor):
        raise DocumentRefused(_("Seul le certificateur peut régénérer un document."))
    content, sealed = pdf.draw(document.facts)
    identical = pdf.sha256(sealed) == document.sha256
    badge = badges.signed_credential(document.facts)
    repaired = False
    if identical and pdf.sha256(document.pdf or b"") != document.sha256:
        document.pdf, repaired = sealed, True
    result = Regeneration(identical, pdf.sha256(content) == document.content_sha256,
                          badge == document.badge_jwt, repaired)
    db.session.flush()
    record(actor, "documents.regenerated", document,
           new={"identical": result.identical, "content_identical": result.content_identical,
                "badge_identical": result.badge_identical, "repaired": repaired,
                "sha256": pdf.sha256(sealed)},
           session_id=document.enrolment.session_id)
    return result


def revoke_invalidated(actor, enrolment) -> list[IssuedDocument]:
    """Revoke the enrolment's documents its current results no longer give (a bloc not
    validated any more after an appeal's re-deliberation, the title not awarded)."""
    validated = set(db.session.scalars(select(BlockResult.block_id).where(
        BlockResult.enrolment_id == enrolment.id,
        BlockResult.outcome == BlockOutcome.VALIDATED)))
    awarded = db.session.scalar(select(TitleResult.outcome).where(
        TitleResult.enrolment_id == enrolment.id)) == TitleOutcome.AWARDED
    revoked = []
    with force_locale("fr"):
        reason = _("Décision du jury modifiée après recours (nouvelle délibération).")
    for document in q.documents_of(enrolment.id):
        if document.revoked:
            continue
        still = (document.block_id in validated if document.kind == DocumentKind.BLOC
                 else awarded)
        if not still:
            revoked.append(_revoke(actor, document, reason))
    return revoked


def after_redeliberation(actor, enrolment, minutes_id: int) -> None:
    """An appeal's amendment PV (``minutes_id``) was sealed and its decisions applied:
    revoke the documents they no longer give (a consequence of the jury's decision, not
    the certifier's: recorded under ``actor``, who sealed), queue the issue of those they
    now give."""
    revoke_invalidated(actor, enrolment)
    queue_issue([enrolment.id], occasion=f"amendment:{minutes_id}")
