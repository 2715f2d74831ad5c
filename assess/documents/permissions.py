"""Who sees and acts on issued documents: the candidate their own; a centre admin those
of their centre's sessions; the certifier every one, and only the certifier revokes and
regenerates. Anyone, signed in or not, verifies a code (``/verify/<code>``)."""

from __future__ import annotations

from flask import abort

from ..accounts.models import Role
from ..extensions import db
from .models import IssuedDocument


def can_manage(user) -> bool:
    """Revoke, regenerate: the certifier's admins only."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CERTIFIER_ADMIN


def can_view(user, document: IssuedDocument) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.CERTIFIER_ADMIN:
        return True
    enrolment = document.enrolment
    if user.role == Role.CENTRE_ADMIN:
        return enrolment.session.centre_id == user.centre_id
    if user.role == Role.CANDIDATE:
        return enrolment.candidate.user_id == user.id
    return False


def load_document_for(user, document_id: int) -> IssuedDocument:
    """The document if ``user`` may see it; 404 otherwise (ids cannot be probed)."""
    document = db.session.get(IssuedDocument, document_id)
    if document is None or not can_view(user, document):
        abort(404)
    return document


def load_document_to_manage(user, document_id: int) -> IssuedDocument:
    """For revocation and regeneration: 403 for anyone but the certifier (whatever the
    id: nothing is learnt), 404 for an unknown id."""
    if not can_manage(user):
        abort(403)
    return load_document_for(user, document_id)
