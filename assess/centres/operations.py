"""Training centres. Each operation takes the acting user, audits, flushes, never commits."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from workflows.base import Refused

from ..accounts.models import Role, User
from ..accounts.operations import invite_user, send_invitation
from ..audit.operations import record
from ..extensions import db
from .models import TrainingCentre
from .permissions import can_manage_centres, can_reinvite

# Spaces (ordinary, non-breaking, thin) that people type or paste inside a SIRET.
_SIRET_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class CentreError(Refused):
    """A refused centre operation; the message is meant for the user."""


def normalize_siret(siret: str | None) -> str | None:
    """The SIRET without its spaces, or None if empty; ``CentreError`` unless 14 digits."""
    value = _SIRET_SPACES.sub("", siret or "")
    if not value:
        return None
    if not (len(value) == 14 and value.isascii() and value.isdigit()):
        raise CentreError(_("Le SIRET doit comporter exactement 14 chiffres (les espaces sont "
                            "acceptés) : vérifiez-le ou laissez le champ vide."))
    return value


def _require_certifier(actor, message: str) -> None:
    if not can_manage_centres(actor):
        raise CentreError(message)


def create_centre(actor, *, name: str, siret: str | None = None,
                  city: str | None = None) -> TrainingCentre:
    """Only the certifier registers the training centres it works with."""
    _require_certifier(actor, _("Seul un administrateur certificateur peut ajouter un centre."))
    name = (name or "").strip()
    if not name:
        raise CentreError(_("Indiquez le nom du centre de formation."))
    taken = db.session.scalar(select(TrainingCentre.id).where(
        func.lower(TrainingCentre.name) == name.lower()))
    if taken is not None:
        raise CentreError(_("Un centre porte déjà le nom « %(name)s » : choisissez un autre "
                            "nom (par exemple en ajoutant la ville).", name=name))
    centre = TrainingCentre(name=name, siret=normalize_siret(siret),
                            city=(city or "").strip() or None)
    db.session.add(centre)
    db.session.flush()
    record(actor, "centre.created", centre, new={"name": name, "siret": centre.siret,
                                                 "city": centre.city})
    return centre


def update_centre(actor, centre: TrainingCentre, *, name: str, siret: str | None = None,
                  city: str | None = None) -> TrainingCentre:
    """Correct a centre's name, SIRET or city (audited, old and new)."""
    _require_certifier(actor, _("Seul un administrateur certificateur peut modifier un centre."))
    name = (name or "").strip()
    if not name:
        raise CentreError(_("Indiquez le nom du centre de formation."))
    taken = db.session.scalar(select(TrainingCentre.id).where(
        func.lower(TrainingCentre.name) == name.lower(), TrainingCentre.id != centre.id))
    if taken is not None:
        raise CentreError(_("Un centre porte déjà le nom « %(name)s » : choisissez un autre "
                            "nom (par exemple en ajoutant la ville).", name=name))
    values = {"name": name, "siret": normalize_siret(siret), "city": (city or "").strip() or None}
    old = {k: getattr(centre, k) for k in values}
    if old != values:
        for key, value in values.items():
            setattr(centre, key, value)
        record(actor, "centre.updated", centre,
               old={k: v for k, v in old.items() if values[k] != v},
               new={k: v for k, v in values.items() if old[k] != v})
    db.session.flush()
    return centre


def invite_centre_admin(actor, centre: TrainingCentre, *, email: str, first_name: str,
                        last_name: str) -> User:
    """Give a centre an admin account: created without password, invited by e-mail.

    ``AccountError`` (from accounts) if the e-mail already has an account."""
    _require_certifier(actor, _("Seul un administrateur certificateur peut inviter "
                                "l'administrateur d'un centre."))
    return invite_user(actor, email=email, role=Role.CENTRE_ADMIN, first_name=first_name,
                       last_name=last_name, centre_id=centre.id)


def reinvite_centre_admin(actor, admin: User) -> None:
    """E-mail a fresh invitation link to a centre admin who has not chosen a password yet.

    Sent within the same second as the previous link, the token (hence the notification
    key) is the same: a double click sends one e-mail, not two."""
    _require_certifier(actor, _("Seul un administrateur certificateur peut renvoyer une "
                                "invitation."))
    if not can_reinvite(actor, admin):
        raise CentreError(_("%(name)s a déjà activé son compte : il n'y a pas d'invitation à "
                            "renvoyer. S'il a oublié son mot de passe, il peut en demander un "
                            "nouveau depuis la page de connexion.", name=admin.full_name))
    send_invitation(admin)
    record(actor, "account.reinvited", admin, new={"email": admin.email})
    db.session.flush()
