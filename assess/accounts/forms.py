"""Forms of the login, password and invitation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..core.forms import Form
from .passwords import MIN_LENGTH, password_problem

# The message of every form field that takes someone's e-mail address.
INVALID_EMAIL = _l("Adresse e-mail invalide : vérifiez-la (exemple : prenom.nom@centre.fr).")


class AuthForm(Form):
    def focus(self) -> AuthForm:
        """Autofocus the first field in error, else the first field (a fresh dict per form:
        render_kw is shared by every instance of the class)."""
        fields = [f for f in self if f.type not in ("CSRFTokenField", "HiddenField",
                                                     "SubmitField")]
        target = next((f for f in fields if f.errors), fields[0] if fields else None)
        if target is not None:
            target.render_kw = {**(target.render_kw or {}), "autofocus": True}
        return self


class LoginForm(AuthForm):
    email = EmailField(_l("Adresse e-mail"), validators=[
        DataRequired(_l("Saisissez votre adresse e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"})
    password = PasswordField(_l("Mot de passe"), validators=[
        DataRequired(_l("Saisissez votre mot de passe."))],
        render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Se connecter"))


class ForgotPasswordForm(AuthForm):
    email = EmailField(_l("Adresse e-mail de votre compte"), validators=[
        DataRequired(_l("Saisissez l'adresse e-mail de votre compte.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"})
    submit = SubmitField(_l("Recevoir un lien"))


class SetPasswordForm(AuthForm):
    """``account_email`` is set by the view: the password may not be the e-mail."""

    password = PasswordField(_l("Nouveau mot de passe"), validators=[
        DataRequired(_l("Choisissez un mot de passe.")),
        Length(max=256, message=_l("Choisissez un mot de passe de moins de 256 caractères.")),
    ], render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH})
    confirm = PasswordField(_l("Confirmez le mot de passe"), validators=[
        DataRequired(_l("Saisissez de nouveau le mot de passe.")),
        EqualTo("password", _l("Les deux mots de passe ne sont pas identiques : "
                               "saisissez-les de nouveau.")),
    ], render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Enregistrer le mot de passe"))

    account_email: str | None = None

    def validate_password(self, field) -> None:
        # One rule for forms and CLI: minimum length, not "demo", not the e-mail.
        problem = password_problem(field.data or "", self.account_email)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(SetPasswordForm):
    """On the account page: the current password proves it is the owner at the keyboard."""

    current = PasswordField(_l("Mot de passe actuel"), validators=[
        DataRequired(_l("Saisissez votre mot de passe actuel."))],
        render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Changer le mot de passe"))
