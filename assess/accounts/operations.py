"""Account state changes. Each takes the acting user, audits, flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from workflows.base import Refused

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..notifications.operations import note_for_new_accounts, notify
from . import login_sessions, throttle
from .models import Role, User
from .passwords import (
    DEMO_PASSWORD,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
    waste_time,
)
from .permissions import can_log_in
from .tokens import INVITATION, PASSWORD_RESET, link, make_token, make_token_for


class AccountError(Refused):
    """A refused account operation; the message is meant for the user."""


@dataclass(frozen=True)
class LoginAttempt:
    """What a login attempt gave: the account it opens, or how long to wait (throttled)."""

    user: User | None
    wait_seconds: int = 0


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    # Stored in lower case (a CHECK says so): an equality on the unique index.
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def invite_user(actor, *, email: str, role: Role | str, first_name: str = "",
                last_name: str = "", centre_id: int | None = None, **profile) -> User:
    """Create an account without password and e-mail a signed link to set one."""
    email = normalize_email(email)
    if find_by_email(email) is not None:
        raise AccountError(_(
            "Un compte existe déjà avec l'adresse %(email)s : vérifiez l'adresse saisie, ou "
            "utilisez le compte existant de cette personne.", email=email))
    user = User(email=email, role=Role(role), first_name=first_name.strip(),
                last_name=last_name.strip(), centre_id=centre_id, **profile)
    db.session.add(user)
    db.session.flush()
    record(actor, "account.invited", user, new={"email": email, "role": str(Role(role))})
    send_invitation(user)
    return user


def send_invitation(user: User) -> None:
    token = make_token(user, INVITATION)
    subject, body = _invitation_text(user.full_name, user.locale, token)
    # The token is part of the key: a new invitation (new token) is a new e-mail.
    notify("invitation", user, token[-24:], subject, body)


@note_for_new_accounts
def _invitation_note(user: User) -> str:
    """Told to someone who has no password yet: the way in, not « connectez-vous »."""
    url = link("/invitation/", make_token(user, INVITATION))
    days = max(1, current_app.config["INVITATION_MAX_AGE"] // 86400)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return "\n" + _("Vous n'avez pas encore choisi votre mot de passe : pour vous "
                        "connecter, choisissez-le avec ce lien (valable %(days)d jours) :\n"
                        "%(url)s\n", days=days, url=url)


def _invitation_text(name: str, locale: str | None, token: str) -> tuple[str, str]:
    url = link("/invitation/", token)
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Votre accès à la plateforme de certification")
        body = _(
            "Bonjour %(name)s,\n\nUn compte a été créé pour vous sur la plateforme d'évaluation "
            "de la certification « Chargé(e) de projet en communication et webmarketing ».\n\n"
            "Choisissez votre mot de passe en suivant ce lien (valable 7 jours) :\n%(url)s\n",
            name=name, url=url,
        )
    return subject, body


@dataclass(frozen=True)
class Invitee:
    email: str
    first_name: str
    last_name: str
    centre_id: int | None = None


def invite_many(actor, role: Role | str, people: list[Invitee]) -> dict[str, int]:
    """``invite_user`` for many new accounts at once (an import): one INSERT for the
    accounts, one for their audit events, two for their invitations. Every address must
    be new: a taken one fails the whole call on the unique constraint, as a concurrent
    creation should. Returns {address: account id}."""
    from ..audit.operations import record_many
    from ..core.inserts import insert_many
    from ..notifications.operations import notify_many

    now = utcnow()
    role = Role(role)
    rows = [{"email": normalize_email(p.email), "role": role, "first_name": p.first_name.strip(),
             "last_name": p.last_name.strip(), "centre_id": p.centre_id, "active": True,
             "is_demo": False, "open_to_all_centres": False, "created_at": now}
            for p in people]
    ids = {email: uid for uid, email in insert_many(User, rows, returning=("id", "email"))}
    record_many(actor, "account.invited", "User", [
        {"object_id": ids[r["email"]], "new": {"email": r["email"], "role": str(role)}}
        for r in rows])
    messages = []
    for r in rows:
        uid = ids[r["email"]]
        token = make_token_for(uid, None, INVITATION)
        name = f"{r['first_name']} {r['last_name']}".strip() or r["email"]
        subject, body = _invitation_text(name, None, token)
        messages.append((uid, r["email"], token[-24:], subject, body))
    notify_many("invitation", messages)
    return ids


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open, or None, without saying why (no enumeration).

    Refused alike: unknown e-mail, wrong password, inactive account, invitation not
    yet accepted (no password), the demo password on a real account, a demo
    account when demos are switched off.
    """
    user = find_by_email(email)
    if user is None or not user.password_hash:
        waste_time(password)  # answer as slowly as for a real account
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not can_log_in(user):
        return None
    if password == DEMO_PASSWORD and not user.is_demo:
        return None
    return user


def log_in(email: str, password: str, address: str, user_agent: str = "") -> LoginAttempt:
    """Check the credentials under the throttle. A failure is recorded (and committed by the
    caller's unit of work, so that it counts); a success is stamped, audited and opens a
    login session (the user's ``get_id`` then names it for the cookie)."""
    email = normalize_email(email)
    wait = throttle.reserve_login(email, address)
    if wait:  # refused before the password is even looked at
        return LoginAttempt(None, wait)
    user = authenticate(email, password)
    if user is None:
        return LoginAttempt(None)  # the reserved attempt stays, as a failure
    record_login(user, password)
    throttle.forgive(email)
    login_sessions.start(user, address, user_agent)
    return LoginAttempt(user)


def record_login(user: User, password: str) -> None:
    """After a successful login: upgrade the hash if parameters changed, stamp and audit."""
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record(user, "auth.login", user)
    db.session.flush()


def set_password(actor, user: User, password: str, *, action: str = "account.password_set"
                 ) -> None:
    """Set a new password. Every earlier invitation or reset link stops working, and every
    open session of the account ends (whoever held one must sign in with the new one)."""
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    ended = login_sessions.end_all(user)
    record(actor, action, user, new={"sessions_ended": ended})
    db.session.flush()


def choose_password(user: User, password: str, *, action: str, address: str = "",
                    user_agent: str = "") -> None:
    """The invited or reset user sets a password through their link and is signed in (in a
    new session: the others ended); past failed logins of the account are forgotten."""
    set_password(user, user, password, action=action)
    throttle.clear(user.email)
    login_sessions.start(user, address, user_agent)


def change_password(user: User, current: str, new: str, *, address: str = "",
                    user_agent: str = "") -> None:
    """The signed-in user changes their password: every session ends, this browser gets a
    new one."""
    if not verify_password(user.password_hash, current):
        raise AccountError(_("Le mot de passe actuel n'est pas le bon : saisissez-le de "
                             "nouveau."))
    set_password(user, user, new, action="account.password_changed")
    login_sessions.start(user, address, user_agent)


def log_out(user) -> None:
    """End this browser's session (the cookie, copied elsewhere, opens nothing any more)."""
    login_sessions.end(getattr(user, "login_session_id", None))


def log_out_everywhere(user: User) -> int:
    """« Se déconnecter partout »: end every session of the account, this one included."""
    ended = login_sessions.end_all(user)
    record(user, "auth.logout_everywhere", user, new={"sessions_ended": ended})
    return ended


def deactivate(actor, user: User, reason: str) -> None:
    """Close an account: it cannot sign in any more, and its open sessions end at once."""
    if not user.active:
        return
    user.active = False
    ended = login_sessions.end_all(user)
    record(actor, "account.deactivated", user, old={"active": True},
           new={"active": False, "sessions_ended": ended}, reason=reason)
    db.session.flush()


def ask_password_reset(email: str, address: str) -> int:
    """A reset requested from the login page, under the throttle: seconds to wait (0 when
    the request was taken). The answer is the same whether or not the account exists."""
    email = normalize_email(email)
    wait, mail_allowed = throttle.reserve_reset(email, address)
    if not wait and mail_allowed:
        request_password_reset(email)
    return wait


def set_locale(user, lang: str) -> None:
    """The language the user chose, remembered on their account."""
    if user.is_authenticated and user.locale != lang:
        user.locale = lang
        db.session.flush()


def request_password_reset(email: str) -> User | None:
    """E-mail a reset link if an active account has this address; the caller says nothing."""
    user = find_by_email(email)
    if user is None or not user.active:
        return None
    token = make_token(user, PASSWORD_RESET)
    url = link("/password/reset/", token)
    hours = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Réinitialisation de votre mot de passe")
        body = _(
            "Bonjour %(name)s,\n\nUne réinitialisation du mot de passe de votre compte a été "
            "demandée sur la plateforme d'évaluation.\n\n"
            "Choisissez un nouveau mot de passe en suivant ce lien (valable %(hours)d h) :\n"
            "%(url)s\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
            "votre mot de passe actuel reste valable.\n",
            name=user.full_name, url=url, hours=hours,
        )
    notify("password_reset", user, token[-24:], subject, body)
    record(None, "account.password_reset_requested", user)
    return user


def create_admin(actor, *, email: str, first_name: str = "", last_name: str = "",
                 password: str | None = None) -> User:
    """A certifier admin: invited by e-mail, or given ``password`` directly (CLI)."""
    email = normalize_email(email)
    try:
        email = validate_email(email, check_deliverability=False,
                               test_environment=current_app.testing
                               or bool(current_app.config["DEMO_ALLOWED"])).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(_("Adresse e-mail invalide : %(email)s.", email=email)) from exc
    if password is None:
        return invite_user(actor, email=email, role=Role.CERTIFIER_ADMIN,
                           first_name=first_name, last_name=last_name)
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    if find_by_email(email) is not None:
        raise AccountError(_(
            "Un compte existe déjà avec l'adresse %(email)s : vérifiez l'adresse saisie, ou "
            "utilisez le compte existant de cette personne.", email=email))
    user = User(email=email, role=Role.CERTIFIER_ADMIN, first_name=first_name.strip(),
                last_name=last_name.strip(), password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record(actor, "account.created", user, new={"email": email, "role": str(Role.CERTIFIER_ADMIN)})
    return user
