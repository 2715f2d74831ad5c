import click


@click.command("worker", help="Démarre un worker Celery.")
def worker_command() -> None:
    raise click.ClickException("pas encore disponible")


@click.command("serve", help="Démarre le serveur web et un worker.")
def serve_command() -> None:
    raise click.ClickException("pas encore disponible")
