"""Declaring a link between a juror and a candidate. Takes the acting user first, checks
the permission, audits, flushes, never commits.

A link declared while the juror has assignments for that candidate takes them off at once,
in the same transaction: each assignment is marked withdrawn (its sheet, draft or
submitted, is kept as evidence and no longer counts), the session's admins are asked to
pick another evaluator and the juror is told. A link is evidence: it is never withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from workflows.base import Refused
from workflows.session import refusal

from ..audit.operations import record
from ..core.columns import utcnow
from ..core.labels import label
from ..extensions import db
from ..grading.labels import SHEET_STATUS
from ..i18n import moment
from ..juries.models import Assignment, ConflictOfInterest, LinkKind
from ..notifications.operations import notify
from ..submissions.anonymity import shown_name
from . import queries
from .labels import LINK_KINDS
from .permissions import can_be_linked, can_declare_about, can_record, is_juror

MAX_DETAIL = 2000
WITHDRAWN_REASON = "conflict"
ADMIN_EVENT = "conflict.reassign"
JUROR_EVENT = "conflict.withdrawn"

# Said alike for an unknown id and for a candidate out of the juror's reach: ids cannot
# be probed.
OUT_OF_REACH = _l("Ce candidat ne fait pas partie de ceux que vous pouvez désigner : "
                  "cherchez-le par son nom sur cette page, puis choisissez-le dans la liste.")


class ConflictRefused(Refused):
    """A refused declaration; the message says what to do."""


class AlreadyDeclared(ConflictRefused):
    pass


@dataclass
class Declared:
    conflict: ConflictOfInterest
    withdrawn: list[Assignment] = field(default_factory=list)


def declare_own_link(actor, choice: str, kind: str, detail: str) -> Declared:
    """A juror declares a link with a candidate: ``choice`` as posted by the page
    ("a<assignment id>" or "e<enrolment id>", see ``queries.Choice``)."""
    if not is_juror(actor):
        raise ConflictRefused(_("Seuls les membres du jury déclarent leurs liens avec les "
                                "candidats."))
    enrolment = queries.enrolment_of_choice(actor, choice or "")
    if enrolment is None or not can_declare_about(actor, enrolment):
        raise ConflictRefused(str(OUT_OF_REACH))
    return _declare(actor, actor, enrolment, kind, detail)


def record_known_link(actor, session, juror_id: int | None, enrolment_id: int | None,
                      kind: str, detail: str) -> Declared:
    """An admin of ``session`` records a link they know of (the trainer of a candidate's
    group…) between a juror of the session's pool and one of its candidates."""
    if not can_record(actor, session):
        raise ConflictRefused(_("Vous ne pouvez pas enregistrer de lien dans cette session."))
    juror = queries.user(juror_id)
    if not can_be_linked(juror, session):
        raise ConflictRefused(_("Membre du jury inconnu : choisissez-le parmi les membres du "
                                "jury de ce centre proposés."))
    enrolment = queries.session_enrolment(session, enrolment_id)
    if enrolment is None:
        raise ConflictRefused(_("Candidat inconnu : choisissez-le parmi les candidats de la "
                                "session proposés."))
    return _declare(actor, juror, enrolment, kind, detail)


def _checked(kind: str, detail: str) -> tuple[LinkKind, str]:
    try:
        link_kind = LinkKind(kind)
    except ValueError:
        raise ConflictRefused(_("Type de lien inconnu : choisissez-en un parmi ceux "
                                "proposés.")) from None
    detail = (detail or "").strip()
    if len(detail) > MAX_DETAIL:
        raise ConflictRefused(_("Le détail est limité à %(max)d caractères (%(n)d saisis) : "
                                "raccourcissez-le.", max=MAX_DETAIL, n=len(detail)))
    if link_kind == LinkKind.OTHER and not detail:
        raise ConflictRefused(_("Précisez le lien dans le détail : il est obligatoire pour "
                                "« Autre lien »."))
    return link_kind, detail


def _declare(actor, juror, enrolment, kind: str, detail: str) -> Declared:
    link_kind, detail = _checked(kind, detail)
    session = enrolment.session
    state = refusal(session.status, "assign")
    if state is not None:
        raise ConflictRefused(_("%(state)s Un lien avec un candidat se déclare jusqu'à la fin "
                                "de la correction : signalez-le au président du jury.",
                                state=_(state)))
    existing = queries.find_link(juror.id, enrolment.id)
    if existing is not None:
        raise AlreadyDeclared(_already(existing))
    conflict = ConflictOfInterest(juror_id=juror.id, enrolment_id=enrolment.id, kind=link_kind,
                                  detail=detail, declared_by_id=actor.id)
    try:
        with db.session.begin_nested():  # a double click meets the unique constraint
            db.session.add(conflict)
    except IntegrityError:
        raise AlreadyDeclared(_already(queries.find_link(juror.id, enrolment.id))) from None
    record(actor, "conflict.declared", conflict, session_id=session.id,
           new={"juror_id": juror.id, "enrolment_id": enrolment.id, "kind": str(link_kind),
                "detail": detail, "by_juror": actor.id == juror.id})
    withdrawn = _withdraw(actor, conflict, juror, enrolment)
    if withdrawn:
        _tell_admins(conflict, juror, enrolment, withdrawn)
        _tell_juror(conflict, juror, enrolment, withdrawn)
    db.session.flush()
    return Declared(conflict, withdrawn)


def _already(existing: ConflictOfInterest | None) -> str:
    if existing is None:
        return _("Ce lien est déjà déclaré : il n'est enregistré qu'une fois.")
    return _("Ce lien est déjà déclaré (le %(when)s) : il n'est enregistré qu'une fois.",
             when=moment(existing.declared_at))


def _withdraw(actor, conflict, juror, enrolment) -> list[Assignment]:
    """Take the juror off every active assignment for the candidate; the sheets stay."""
    now = utcnow()
    assignments = queries.active_assignments(juror.id, enrolment.id)
    for a in assignments:
        a.withdrawn_at, a.withdrawn_reason = now, WITHDRAWN_REASON
        record(actor, "assignment.withdrawn", a, session_id=enrolment.session_id,
               old={"withdrawn_at": None, "withdrawn_reason": None},
               new={"withdrawn_at": now.isoformat(), "withdrawn_reason": WITHDRAWN_REASON,
                    "conflict_id": conflict.id, "exam_id": a.exam_id,
                    "sheet": str(a.sheet.status) if a.sheet is not None else None})
    return assignments


def _link(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):  # an import run by the worker
        return base + url_for(endpoint, **values)


def _locale(user) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def _exam_lines(assignments) -> str:
    return "\n".join(_("- Bloc %(n)d — %(title)s (%(sheet)s)", n=a.exam.block.number,
                       title=a.exam.block.title,
                       sheet=label(SHEET_STATUS, a.sheet.status if a.sheet else None))
                     for a in assignments)


def _tell_admins(conflict, juror, enrolment, withdrawn) -> None:
    session = enrolment.session
    candidate = enrolment.candidate.user.full_name
    link = _link("conflicts.session_links", session_id=session.id)
    for admin in queries.admins_to_tell(session):
        with force_locale(_locale(admin)):
            subject = _("Conflit d'intérêts : %(juror)s ne peut plus évaluer %(candidate)s",
                        juror=juror.full_name, candidate=candidate)
            body = _("Bonjour %(name)s,\n\n"
                     "Un lien entre %(juror)s et %(candidate)s (session « %(session)s ») "
                     "vient d'être déclaré : %(kind)s.\n\n"
                     "%(juror)s a été retiré(e) de ces épreuves ; sa grille éventuelle est "
                     "conservée mais ne compte plus :\n%(exams)s\n\n"
                     "Affectez un autre évaluateur depuis la page des conflits d'intérêts de "
                     "la session : %(link)s\n",
                     name=admin.full_name, juror=juror.full_name, candidate=candidate,
                     session=session.name, kind=label(LINK_KINDS, conflict.kind),
                     exams=_exam_lines(withdrawn), link=link)
        notify(ADMIN_EVENT, admin, f"conflict:{conflict.id}", subject, body, link=link)


def _tell_juror(conflict, juror, enrolment, withdrawn) -> None:
    session = enrolment.session
    with force_locale(_locale(juror)):
        candidate = shown_name(juror, enrolment)  # as on the juror's grading page
        subject = _("Vous n'évaluez plus %(candidate)s", candidate=candidate)
        body = _("Bonjour %(name)s,\n\n"
                 "Un lien entre vous et %(candidate)s (session « %(session)s ») est "
                 "enregistré : vous ne l'évaluez plus, pour ces épreuves :\n%(exams)s\n\n"
                 "Votre grille éventuelle est conservée mais ne compte plus. "
                 "L'administrateur de la session confie ces épreuves à un autre "
                 "évaluateur.\n\nVos liens déclarés : %(link)s\n",
                 name=juror.full_name, candidate=candidate, session=session.name,
                 exams=_exam_lines(withdrawn), link=_link("conflicts.own_links"))
    notify(JUROR_EVENT, juror, f"conflict:{conflict.id}", subject, body,
           link=_link("conflicts.own_links"))
