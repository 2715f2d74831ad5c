"""Training centres. Each operation takes the acting user, audits, flushes, never commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import Role
from ..audit.operations import record
from ..extensions import db
from .models import TrainingCentre


class CentreError(ValueError):
    """A refused centre operation; the message is meant for the user."""


def create_centre(actor, *, name: str, siret: str | None = None,
                  city: str | None = None) -> TrainingCentre:
    """Only the certifier registers the training centres it works with."""
    if getattr(actor, "role", None) != Role.CERTIFIER_ADMIN:
        raise CentreError(_("Seul un administrateur certificateur peut ajouter un centre."))
    name = name.strip()
    taken = db.session.scalar(select(TrainingCentre.id).where(
        func.lower(TrainingCentre.name) == name.lower()))
    if taken is not None:
        raise CentreError(_("Un centre porte déjà le nom « %(name)s ».", name=name))
    centre = TrainingCentre(name=name, siret=(siret or "").strip() or None,
                            city=(city or "").strip() or None)
    db.session.add(centre)
    db.session.flush()
    record(actor, "centre.created", centre, new={"name": name, "siret": centre.siret,
                                                 "city": centre.city})
    return centre
