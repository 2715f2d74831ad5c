import click


@click.command("demo", help="Crée les données et les comptes de démonstration.")
def demo_command() -> None:
    raise click.ClickException("pas encore disponible")
