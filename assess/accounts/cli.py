import click


@click.command("create-admin", help="Crée un administrateur certificateur.")
@click.argument("email")
def create_admin_command(email: str) -> None:
    raise click.ClickException("pas encore disponible")
