import click


@click.group("referential", help="Le référentiel : afficher, charger une version.")
def referential_group() -> None:
    pass
