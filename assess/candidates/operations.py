"""Candidates and enrolments. Each operation takes the acting user, audits, flushes."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from workflows.base import Refused

from ..accounts.models import Role
from ..accounts.operations import find_by_email, invite_user
from ..audit.operations import record
from ..extensions import db
from ..referential.models import Block
from ..sessions.operations import ensure_allows
from ..sessions.permissions import can_change_session
from .acquired import acquired_blocs
from .identity import Identity
from .models import AccessRoute, Candidate, Enrolment
from .permissions import can_manage_candidate, centre_candidate


class EnrolmentError(Refused):
    """A refused enrolment; the message is meant for the user."""


class IdentityRefused(EnrolmentError):
    """Identity fields of the wrong shape; ``problems`` says, per field, what is expected."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(_("L'identité du candidat contient des erreurs : corrigez les champs "
                           "signalés."))
        self.problems = problems


# Said alike whatever the address belongs to (a juror, an admin, nobody of this centre):
# no message may tell a centre whether an address has an account elsewhere.
NOT_FOR_A_CANDIDATE = _l("Cette adresse ne peut pas servir à inscrire un candidat : vérifiez-la, "
                         "ou demandez au candidat son adresse personnelle.")


def create_candidate(actor, *, centre_id: int, email: str, identity: Identity,
                     access_route: AccessRoute | str) -> Candidate:
    """The candidate of this centre with this address: a new account, invited by e-mail;
    or, for a person who already has a candidate's account (prepared by another centre),
    a candidate row of this centre for that account. Nothing of the other centre's is
    read or shown."""
    if not can_manage_candidate(actor, centre_id):
        raise EnrolmentError(_("Vous ne pouvez pas créer de candidat pour ce centre."))
    identity = _checked(identity)
    existing = find_by_email(email)
    if existing is None:
        user = invite_user(actor, email=email, role=Role.CANDIDATE,
                           first_name=identity.first_name_1,
                           last_name=identity.usage_name or identity.birth_name,
                           centre_id=centre_id)
    elif existing.role != Role.CANDIDATE or not existing.active:
        raise EnrolmentError(str(NOT_FOR_A_CANDIDATE))
    else:
        user = existing
        candidate = db.session.scalar(select(Candidate).where(
            Candidate.user_id == user.id, Candidate.centre_id == centre_id))
        if candidate is not None:
            return candidate
    candidate = Candidate(user_id=user.id, centre_id=centre_id,
                          access_route=AccessRoute(access_route), **identity.values())
    candidate.user = user
    db.session.add(candidate)
    db.session.flush()
    record(actor, "candidate.created" if existing is None else "candidate.linked", candidate,
           new={"user_id": user.id, "centre_id": centre_id,
                "access_route": str(candidate.access_route)})
    return candidate


def update_candidate(actor, candidate: Candidate, identity: Identity,
                     access_route: AccessRoute | str) -> Candidate:
    """Correct a candidate's identity or access route (audited, old and new)."""
    if not can_manage_candidate(actor, candidate.centre_id):
        raise EnrolmentError(_("Vous ne pouvez pas modifier ce candidat."))
    identity = _checked(identity)
    values = {**identity.values(), "access_route": AccessRoute(access_route)}
    old = {k: _plain(getattr(candidate, k)) for k in values}
    for key, value in values.items():
        setattr(candidate, key, value)
    new = {k: _plain(v) for k, v in values.items()}
    if new != old:
        # The name shown everywhere follows the identity.
        candidate.user.first_name = identity.first_name_1 or candidate.user.first_name
        candidate.user.last_name = (identity.usage_name or identity.birth_name
                                    or candidate.user.last_name)
        record(actor, "candidate.updated", candidate,
               old={k: v for k, v in old.items() if new[k] != v},
               new={k: v for k, v in new.items() if old[k] != v})
    db.session.flush()
    return candidate


def _checked(identity: Identity) -> Identity:
    identity = identity.normalised()
    problems = identity.problems()
    if problems:
        raise IdentityRefused(problems)
    return identity


def _plain(value):
    return value.isoformat() if isinstance(value, date) else (
        str(value) if value is not None else None)


def enrol_candidate(actor, session, candidate: Candidate, blocks: list[Block],
                    accommodation_request: str | None = None) -> Enrolment:
    """Enrol ``candidate`` in ``session`` for ``blocks`` (all of them: the full title)."""
    _check_enrolment(actor, session, candidate, blocks)
    all_ids = {b.id for b in session.referential_version.blocks}
    chosen = sorted({b.id for b in blocks})
    enrolment = Enrolment(session_id=session.id, candidate_id=candidate.id,
                          full_title=set(chosen) == all_ids,
                          accommodation_request=accommodation_request or None)
    enrolment.blocks = sorted(blocks, key=lambda b: b.number)
    db.session.add(enrolment)
    db.session.flush()
    record(actor, "enrolment.created", enrolment, session_id=session.id, new={
        "candidate_id": candidate.id, "full_title": enrolment.full_title,
        "blocks": [b.number for b in enrolment.blocks],
        **({"accommodation_request": enrolment.accommodation_request}
           if enrolment.accommodation_request else {}),
    })
    return enrolment


def enrol_existing_candidate(actor, session, candidate_id: int, blocks: list[Block]
                             ) -> Enrolment:
    """Enrol a candidate already registered in the session's centre, chosen by id."""
    candidate = centre_candidate(actor, session.centre_id, candidate_id)
    if candidate is None:
        raise EnrolmentError(_("Ce candidat n'existe pas : choisissez-en un dans la liste."))
    return enrol_candidate(actor, session, candidate, blocks)


def enrol_new_candidate(actor, session, *, email: str, identity: Identity,
                        access_route: AccessRoute | str, blocks: list[Block]) -> Enrolment:
    """Create (and invite) a candidate of the session's centre, then enrol them."""
    # Check first: a refused enrolment must not leave an invited account behind.
    ensure_allows(session, "enrol")
    _check_blocks(session, blocks)
    candidate = create_candidate(actor, centre_id=session.centre_id, email=email,
                                 identity=identity, access_route=access_route)
    return enrol_candidate(actor, session, candidate, blocks)


def _check_enrolment(actor, session, candidate: Candidate, blocks: list[Block]) -> None:
    ensure_allows(session, "enrol")
    if not can_change_session(actor, session, "enrol"):
        raise EnrolmentError(_("Vous ne pouvez pas inscrire de candidat à cette session."))
    if candidate.centre_id != session.centre_id:
        raise EnrolmentError(_("Ce candidat n'est pas rattaché au centre de la session."))
    _check_blocks(session, blocks)
    _check_not_acquired(candidate, blocks)
    duplicate = db.session.scalar(select(Enrolment.id).where(
        Enrolment.session_id == session.id, Enrolment.candidate_id == candidate.id))
    if duplicate is not None:
        raise EnrolmentError(_("%(name)s est déjà inscrit(e) à cette session.",
                               name=candidate.user.full_name))


def _check_not_acquired(candidate: Candidate, blocks: list[Block]) -> None:
    held = acquired_blocs([candidate.user_id]).get(candidate.user_id, {})
    again = [held[b.number] for b in blocks if b.number in held]
    if again:
        raise EnrolmentError(_(
            "%(name)s a déjà acquis %(blocs)s : un bloc acquis ne se repasse pas. Inscrivez "
            "le candidat aux autres blocs seulement.", name=candidate.user.full_name,
            blocs=", ".join(_("le bloc %(n)d (%(session)s, %(day)s)", n=a.number,
                              session=a.session_name, day=format_date(a.published_at, "long"))
                            for a in again)))


def _check_blocks(session, blocks: list[Block]) -> None:
    if not blocks:
        raise EnrolmentError(_("Choisissez au moins un bloc de compétences."))
    if any(b.version_id != session.referential_version_id for b in blocks):
        raise EnrolmentError(_("Un bloc choisi n'appartient pas au référentiel de la session."))


def update_enrolment(actor, enrolment: Enrolment, blocks: list[Block],
                     accommodation_request: str | None = None) -> Enrolment:
    """Change the blocs an enrolment covers (while the session takes enrolments) or the
    aménagement asked for; audited, old and new."""
    session = enrolment.session
    if not can_change_session(actor, session, "enrol"):
        raise EnrolmentError(_("Vous ne pouvez pas modifier cette inscription."))
    old = {"blocks": [b.number for b in enrolment.blocks],
           "accommodation_request": enrolment.accommodation_request}
    chosen = sorted(blocks, key=lambda b: b.number)
    new = {"blocks": [b.number for b in chosen],
           "accommodation_request": (accommodation_request if accommodation_request
                                     is not None else enrolment.accommodation_request)}
    if new["blocks"] != old["blocks"]:
        ensure_allows(session, "enrol")
        _check_blocks(session, chosen)
        enrolment.blocks = chosen
        all_ids = {b.id for b in session.referential_version.blocks}
        enrolment.full_title = {b.id for b in chosen} == all_ids
    enrolment.accommodation_request = new["accommodation_request"]
    if new != old:
        record(actor, "enrolment.updated", enrolment, session_id=session.id,
               old={k: v for k, v in old.items() if new[k] != v},
               new={k: v for k, v in new.items() if old[k] != v})
    db.session.flush()
    return enrolment
