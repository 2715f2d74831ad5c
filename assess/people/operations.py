"""Changes an admin makes to someone else's account. Each audits (old and new), flushes,
never commits."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from workflows.base import Refused

from ..accounts.models import Role, User
from ..accounts.operations import deactivate
from ..audit.operations import record
from ..extensions import db
from .permissions import can_manage_account


class AccountRefused(Refused):
    """A refused change; the message says what to do."""


@dataclass(frozen=True)
class Profile:
    first_name: str
    last_name: str
    organisation: str = ""
    profession: str = ""


def update_profile(actor, user: User, profile: Profile) -> User:
    """The name shown everywhere, and a juror's organisation and profession (read by the
    jury composition rules). The address is the person's identity: it is not changed here."""
    _check(actor, user)
    if not profile.first_name.strip() or not profile.last_name.strip():
        raise AccountRefused(_("Le prénom et le nom sont obligatoires."))
    values = {"first_name": profile.first_name.strip(), "last_name": profile.last_name.strip()}
    if user.role == Role.JUROR:
        values.update(organisation=profile.organisation.strip() or None,
                      profession=profile.profession.strip() or None)
    old = {k: getattr(user, k) for k in values}
    if old != values:
        for key, value in values.items():
            setattr(user, key, value)
        record(actor, "account.updated", user,
               old={k: v for k, v in old.items() if values[k] != v},
               new={k: v for k, v in values.items() if old[k] != v})
    db.session.flush()
    return user


def deactivate_account(actor, user: User, reason: str) -> None:
    """It cannot sign in any more and its open sessions end; everything it did stays."""
    _check(actor, user)
    if not reason.strip():
        raise AccountRefused(_("Indiquez pourquoi ce compte est désactivé (il sera consigné "
                               "dans le journal)."))
    deactivate(actor, user, reason.strip())


def reactivate_account(actor, user: User) -> None:
    _check(actor, user)
    if user.active:
        return
    user.active = True
    record(actor, "account.reactivated", user, old={"active": False}, new={"active": True})
    db.session.flush()


def _check(actor, user: User) -> None:
    if not can_manage_account(actor, user):
        raise AccountRefused(_("Vous ne pouvez pas modifier ce compte."))
