"""Account state changes. Each takes the acting user, audits, flushes, never commits."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.operations import record
from ..extensions import db
from ..notifications.operations import notify
from .models import Role, User
from .tokens import INVITATION, link, make_token


class AccountError(ValueError):
    """A refused account operation; the message is meant for the user."""


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def invite_user(actor, *, email: str, role: Role | str, first_name: str = "",
                last_name: str = "", centre_id: int | None = None, **profile) -> User:
    """Create an account without password and e-mail a signed link to set one."""
    email = email.strip().lower()
    if find_by_email(email) is not None:
        raise AccountError(_("Un compte existe déjà avec l'adresse %(email)s.", email=email))
    user = User(email=email, role=Role(role), first_name=first_name.strip(),
                last_name=last_name.strip(), centre_id=centre_id, **profile)
    db.session.add(user)
    db.session.flush()
    record(actor, "account.invited", user, new={"email": email, "role": str(Role(role))})
    send_invitation(user)
    return user


def send_invitation(user: User) -> None:
    token = make_token(user, INVITATION)
    url = link("/invitation/", token)
    with force_locale(user.locale or "fr"):
        subject = _("Votre accès à la plateforme de certification")
        body = _(
            "Bonjour %(name)s,\n\nUn compte a été créé pour vous sur la plateforme d'évaluation "
            "de la certification « Chargé(e) de projet en communication et webmarketing ».\n\n"
            "Choisissez votre mot de passe en suivant ce lien (valable 7 jours) :\n%(url)s\n",
            name=user.full_name, url=url,
        )
    # The token is part of the key: a new invitation (new token) is a new e-mail.
    notify("invitation", user, token[-24:], subject, body)
