"""Login, logout, invitation and password reset pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..core.redirects import safe_next
from ..unit_of_work import perform
from . import (
    loader,  # noqa: F401  (registers the user loader on import)
    throttle,
)
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from .login_sessions import open_sessions
from .operations import (
    ask_password_reset,
    change_password,
    choose_password,
    log_in,
    log_out,
    log_out_everywhere,
)
from .passwords import MIN_LENGTH
from .tokens import INVITATION, PASSWORD_RESET, TokenError, read_token

bp = Blueprint("auth", __name__)


@bp.after_request
def _no_cache_no_referrer(response):
    # Pages with passwords or tokens in the URL: never cached, never sent as Referer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _home() -> str:
    return url_for("web.home")


def _fresh_session() -> None:
    """Drop whatever the previous visitor left in the session, except the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _start_session(user) -> None:
    _fresh_session()
    login_user(user)


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")[:200]


def _wait_message(seconds: int) -> str:
    n = throttle.minutes(seconds)
    return ngettext("Trop de tentatives en peu de temps. Patientez %(num)d minute puis "
                    "réessayez.",
                    "Trop de tentatives en peu de temps. Patientez %(num)d minutes puis "
                    "réessayez.", n)


def _login_page(form: LoginForm, error: str | None = None, status: int = 200):
    return render_template("auth/login.html", form=form.focus(), error=error), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.form.get("next") or request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or _home())
    form = LoginForm()
    form.next.data = target or ""
    if not form.validate_on_submit():
        return _login_page(form)
    attempt = perform(log_in, form.email.data, form.password.data,
                      throttle.client_address(), _user_agent()).unwrap()
    if attempt.wait_seconds:
        return _login_page(form, _wait_message(attempt.wait_seconds), 429)
    if attempt.user is None:
        return _login_page(form, _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie ; en cas d'oubli, "
            "utilisez « Mot de passe oublié ». Si vous venez d'être invité(e), choisissez "
            "d'abord votre mot de passe avec le lien reçu par e-mail."))
    _start_session(attempt.user)
    return redirect(target or _home())


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:  # the server forgets this session, not only the cookie
        perform(log_out, current_user._get_current_object()).unwrap()
    _fresh_session()
    logout_user()  # after the clear: it may flag a remember-me cookie for deletion
    flash(_("Vous êtes déconnecté(e). À bientôt !"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        outcome = perform(change_password, user, form.current.data, form.password.data,
                          address=throttle.client_address(), user_agent=_user_agent())
        if outcome.ok:
            _start_session(user)
            flash(_("Votre mot de passe est changé. Vos autres sessions sont fermées."),
                  "success")
            return redirect(url_for(".account"))
        form.current.errors = [*form.current.errors, outcome.reason]
    return render_template("auth/account.html", form=form.focus() if form.errors else form,
                           sessions=open_sessions(user), current_id=user.login_session_id)


@bp.post("/compte/deconnexion-partout")
@login_required
def logout_everywhere():
    ended = perform(log_out_everywhere, current_user._get_current_object()).unwrap()
    _fresh_session()
    logout_user()
    flash(ngettext("Vous êtes déconnecté(e) de %(num)d session, celle-ci comprise.",
                   "Vous êtes déconnecté(e) de %(num)d sessions, celle-ci comprise.", ended),
          "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _password_from_token(token, INVITATION, "account.password_set",
                                _("Votre mot de passe est enregistré : bienvenue !"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_from_token(token, PASSWORD_RESET, "account.password_reset",
                                _("Votre nouveau mot de passe est enregistré."))


def _password_from_token(token: str, purpose: str, action: str, done: str):
    """Shared by invitation and reset: the link proves the e-mail, the form sets the password."""
    try:
        user = read_token(token, purpose)
    except TokenError as exc:
        return render_template("auth/token_invalid.html", reason=exc.reason,
                               purpose=purpose), 400
    form = SetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        # The form checks the same rules as the operation; its refusal is a safety net.
        outcome = perform(choose_password, user, form.password.data, action=action,
                          address=throttle.client_address(), user_agent=_user_agent())
        if outcome.ok:
            _start_session(user)
            flash(done, "success")
            return redirect(_home())
        form.password.errors = [*form.password.errors, outcome.reason]
    return render_template("auth/set_password.html", form=form.focus(), user=user,
                           purpose=purpose, min_length=MIN_LENGTH)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form.focus())
    wait = perform(ask_password_reset, form.email.data, throttle.client_address()).unwrap()
    if wait:
        return render_template("auth/forgot.html", form=form.focus(),
                               error=_wait_message(wait)), 429
    # The same answer whether or not the account exists: no enumeration.
    flash(_("Si un compte actif correspond à cette adresse, un e-mail vient de lui être envoyé "
            "avec un lien pour choisir un nouveau mot de passe. Pensez à regarder dans les "
            "courriers indésirables ; le lien est valable peu de temps."), "info")
    return redirect(url_for("auth.login"))
