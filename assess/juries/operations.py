"""Juror invitations and assignments. Each takes the acting user, audits, flushes."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workflows.base import Refused

from ..accounts.models import Role, User
from ..accounts.operations import find_by_email, invite_user
from ..audit.operations import record
from ..core.inserts import insert_unless_exists
from ..extensions import db
from ..notifications.operations import notify
from ..referential.models import ReferentialVersion
from ..referential.operations import latest_version
from ..sessions.operations import ensure_allows
from ..submissions.anonymity import ensure_numbers
from .facts import has_conflict
from .messages import notify_batch
from .models import Assignment, juror_blocks, juror_centres
from .permissions import can_assign, can_invite_juror, in_pool, sheet_submitted


class AssignmentError(Refused):
    """A refused assignment change; the message is meant for the user."""


# Said alike whatever the address belongs to: no message may tell a centre whether an
# address has an account elsewhere.
NOT_FOR_A_JUROR = _l("Cette adresse ne peut pas servir à inviter un membre du jury : "
                     "vérifiez-la, ou demandez à la personne son adresse professionnelle.")


def invite_juror(actor, *, email: str, first_name: str, last_name: str,
                 organisation: str | None = None, profession: str | None = None,
                 open_to_all_centres: bool = False, is_professional: bool = False,
                 works_for_certifier: bool = False, blocks=()) -> User:
    """Put a juror in the pool of the actor's centre: a new account, invited by e-mail, or
    a juror the certifier already has (told by e-mail). The certifier's own jurors may be
    opened to every centre. The answer is the same whether the address was known or not.
    The profile typed (company, position, professional, certifier, blocs) is a new
    account's; a known juror keeps the profile they keep up to date themselves."""
    if not can_invite_juror(actor):
        raise AssignmentError(_("Vous ne pouvez pas inviter de membre du jury."))
    certifier = actor.role == Role.CERTIFIER_ADMIN
    juror = find_by_email(email)
    if juror is None:
        version = latest_version(selectinload(ReferentialVersion.blocks))
        numbers = sorted(set(blocks))
        if not set(numbers) <= {b.number for b in (version.blocks if version else ())}:
            raise AssignmentError(_("Bloc inconnu : rechargez la page et cochez les blocs "
                                    "proposés."))
        profile = {"organisation": (organisation or "").strip() or None,
                   "profession": (profession or "").strip() or None,
                   "is_professional": bool(is_professional),
                   "works_for_certifier": bool(works_for_certifier)}
        juror = invite_user(actor, email=email, role=Role.JUROR, first_name=first_name,
                            last_name=last_name, **profile)
        if numbers:
            db.session.execute(juror_blocks.insert(),
                               [{"juror_id": juror.id, "block_number": n} for n in numbers])
        record(actor, "juror.profile_updated", juror, new=profile | {"blocks": numbers})
    elif juror.role != Role.JUROR or not juror.active:
        raise AssignmentError(str(NOT_FOR_A_JUROR))
    else:
        _tell_juror_about_pool(juror, actor)
    if certifier and open_to_all_centres and not juror.open_to_all_centres:
        juror.open_to_all_centres = True
        record(actor, "juror.opened_to_all_centres", juror)
    if actor.centre_id is not None and not certifier:
        if insert_unless_exists(juror_centres, {"juror_id": juror.id,
                                                "centre_id": actor.centre_id},
                                unique=("juror_id", "centre_id")):
            record(actor, "juror.added_to_pool", juror, new={"centre_id": actor.centre_id})
    db.session.flush()
    return juror


def _tell_juror_about_pool(juror: User, actor) -> None:
    centre = actor.centre.name if actor.centre is not None else None
    with force_locale(juror.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Vous pouvez être affecté(e) à de nouvelles épreuves")
        body = _("Bonjour %(name)s,\n\n%(who)s vous a ajouté(e) aux membres du jury qu'il peut "
                 "affecter à ses épreuves. Vous serez prévenu(e) de chaque affectation ; "
                 "connectez-vous avec votre compte habituel.\n",
                 name=juror.full_name, who=centre or _("Le certificateur"))
    notify("juror_pool", juror, f"centre:{actor.centre_id or 0}", subject, body,
           link="/jury/profil")


def assign_juror(actor, enrolment, exam, juror: User) -> Assignment:
    """Ask ``juror`` to grade ``enrolment``'s épreuve ``exam``; assigning twice is a no-op."""
    ensure_allows(enrolment.session, "assign")
    if not can_assign(actor, enrolment):
        raise AssignmentError(_("Vous ne pouvez pas affecter d'évaluateur dans cette session."))
    if juror.role != Role.JUROR or not juror.active:
        raise AssignmentError(_("%(name)s n'est pas un membre du jury actif.",
                                name=juror.full_name))
    if not in_pool(juror, enrolment.session.centre_id):
        raise AssignmentError(_("%(name)s ne fait pas partie des membres du jury de ce "
                                "centre : invitez-le d'abord.", name=juror.full_name))
    if exam.session_id != enrolment.session_id or exam.block_id not in {
            b.id for b in enrolment.blocks}:
        raise AssignmentError(_("Le candidat n'est pas inscrit à cette épreuve."))
    # Whatever the path (page, bulk allocation, oral panel, crafted request): a juror with
    # a declared link never grades the candidate.
    if has_conflict(juror.id, enrolment.id):
        raise AssignmentError(_("%(name)s a un lien déclaré avec ce candidat (conflit "
                                "d'intérêts) : choisissez un autre évaluateur.",
                                name=juror.full_name))
    existing = _find(juror.id, enrolment.id, exam.id)
    if existing is not None:
        return existing
    assignment = Assignment(juror_id=juror.id, enrolment_id=enrolment.id, exam_id=exam.id,
                            created_by_id=actor.id)
    try:
        with db.session.begin_nested():  # a concurrent double click hits the unique constraint
            db.session.add(assignment)
    except IntegrityError:
        return _find(juror.id, enrolment.id, exam.id)
    record(actor, "assignment.created", assignment, session_id=enrolment.session_id,
           new={"juror_id": juror.id, "enrolment_id": enrolment.id, "exam_id": exam.id})
    if enrolment.session.anonymous_grading and enrolment.anonymous_number is None:
        ensure_numbers(enrolment.session_id)  # the juror will see the number, not the name
        db.session.expire(enrolment, ["anonymous_number"])
    return assignment


def assign_jurors(actor, enrolment, pairs) -> int:
    """Assign each ``(exam, juror)`` pair; returns how many assignments are new. Each juror
    given new work is told once for the batch."""
    known = {(exam_id, juror_id) for exam_id, juror_id in db.session.execute(
        select(Assignment.exam_id, Assignment.juror_id)
        .where(Assignment.enrolment_id == enrolment.id))}
    created = []
    for exam, juror in pairs:
        assignment = assign_juror(actor, enrolment, exam, juror)  # checks every pair
        if (exam.id, juror.id) not in known:
            known.add((exam.id, juror.id))
            created.append(assignment)
    notify_batch(created)
    return len(created)


def assign_selected(actor, enrolment, exams, jurors, selected: dict[int, list[str]]) -> int:
    """Assign the jurors picked on the page: ``selected`` maps an épreuve id to the ids
    (as posted) chosen among ``jurors``. Returns how many assignments are new."""
    by_id = {j.id: j for j in jurors}
    pairs = []
    for exam in exams:
        for raw in selected.get(exam.id, ()):
            juror = by_id.get(int(raw)) if raw.isdigit() else None
            if juror is None:
                raise AssignmentError(_("Évaluateur inconnu : rechargez la page et réessayez."))
            pairs.append((exam, juror))
    return assign_jurors(actor, enrolment, pairs)


def unassign(actor, assignment: Assignment) -> None:
    """Remove an assignment whose grading sheet is not submitted (a draft is discarded)."""
    enrolment = assignment.enrolment
    ensure_allows(enrolment.session, "assign")
    if not can_assign(actor, enrolment):
        raise AssignmentError(_("Vous ne pouvez pas modifier les affectations de cette session."))
    if sheet_submitted(assignment):
        raise AssignmentError(_(
            "%(name)s a déjà soumis sa grille pour cette épreuve : l'affectation est conservée.",
            name=assignment.juror.full_name))
    if assignment.withdrawn_at is not None:
        raise AssignmentError(_(
            "%(name)s a été retiré(e) de cette évaluation (conflit d'intérêts) : l'affectation "
            "et son brouillon sont conservés comme trace.", name=assignment.juror.full_name))
    old = {"juror_id": assignment.juror_id, "enrolment_id": assignment.enrolment_id,
           "exam_id": assignment.exam_id, "draft_sheet_discarded": assignment.sheet is not None}
    record(actor, "assignment.removed", assignment, session_id=enrolment.session_id, old=old)
    if assignment.sheet is not None:
        db.session.delete(assignment.sheet)
    db.session.delete(assignment)
    db.session.flush()


def _find(juror_id: int, enrolment_id: int, exam_id: int) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(
        Assignment.juror_id == juror_id, Assignment.enrolment_id == enrolment_id,
        Assignment.exam_id == exam_id))
