"""``assess demo``: demo data and logins for a newcomer to click through."""

from __future__ import annotations

import click
from flask import current_app

from ..accounts.labels import role_label
from ..accounts.passwords import DEMO_PASSWORD
from ..outbox.relay import commit


@click.command("demo", help="Crée les données et les comptes de démonstration (sans doublon).")
def demo_command() -> None:
    from ..core.schema import require_current_schema
    from ..referential.operations import latest_version
    from .operations import build_demo

    if not current_app.config["DEMO_ALLOWED"]:
        raise click.ClickException("Les données de démonstration sont désactivées "
                                   "(ASSESS_DEMO_ALLOWED=0).")
    require_current_schema()
    if latest_version() is None:
        raise click.ClickException("Aucun référentiel chargé : lancez d'abord "
                                   "« assess referential load ».")
    demo = build_demo()
    commit()
    click.echo(f"\nDonnées de démonstration prêtes : « {demo['session'].name} » "
               f"({demo['centre'].name}).")
    click.echo(f"En délibération : « {demo['deliberation'].name} » (les propositions se "
               f"calculent ; le jury délibère, signe le procès-verbal, le centre publie).")
    click.echo(f"Close : « {demo['closed'].name} » (résultats publiés, procès-verbal scellé, "
               f"attestations délivrées, un recours rejeté ; ses titulaires sont prêts pour "
               f"« assess cpf export »).")
    click.echo(f"Adresse : {current_app.config['BASE_URL']}")
    click.echo(f"Comptes (mot de passe « {DEMO_PASSWORD} » pour tous) :")
    for account in demo["accounts"]:
        click.echo(f"  {account.email:<22} {role_label(account.role)}")
    click.echo("")
