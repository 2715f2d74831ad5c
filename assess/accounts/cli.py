"""``assess create-admin``: the first certifier admin of a new installation."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .passwords import password_problem


def _prompt_password(email: str) -> str:
    def check(value: str) -> str:
        problem = password_problem(value, email)
        if problem:
            raise click.BadParameter(problem)  # click asks again
        return value

    return click.prompt("Mot de passe", hide_input=True,
                        confirmation_prompt="Confirmez le mot de passe",
                        value_proc=check)


@click.command("create-admin", help="Crée un administrateur certificateur. Par défaut, "
               "une invitation lui est envoyée par e-mail (et le lien est affiché ici).")
@click.argument("email")
@click.option("--first-name", default="", help="Prénom.")
@click.option("--last-name", default="", help="Nom.")
@click.option("--password-prompt", "--password", "password_prompt", is_flag=True,
              help="Saisir le mot de passe ici (masqué, demandé deux fois) au lieu "
                   "d'envoyer une invitation.")
@with_appcontext
def create_admin_command(email: str, first_name: str, last_name: str,
                         password_prompt: bool) -> None:
    from ..outbox import relay
    from .operations import AccountError, create_admin, find_by_email, normalize_email
    from .tokens import INVITATION, link, make_token

    # Checked before prompting, so nobody types a password for nothing.
    if find_by_email(email) is not None:
        raise click.ClickException(
            f"Un compte existe déjà avec l'adresse {normalize_email(email)} : "
            "choisissez une autre adresse, ou utilisez « Mot de passe oublié » sur la page "
            "de connexion si c'est le vôtre.")
    password = _prompt_password(email) if password_prompt else None
    try:
        user = create_admin(None, email=email, first_name=first_name, last_name=last_name,
                            password=password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    invitation = None if password else link("/invitation/", make_token(user, INVITATION))
    relay.commit()
    if invitation is None:
        click.echo(f"Administrateur créé : {user.email}. Il peut se connecter dès maintenant.")
        return
    click.echo(f"Administrateur créé : {user.email}. Une invitation lui est envoyée par e-mail.")
    click.echo("Sans messagerie, transmettez-lui ce lien pour qu'il choisisse son mot de passe :")
    click.echo(invitation)
