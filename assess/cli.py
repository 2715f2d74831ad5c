"""The ``assess`` command: a Flask CLI group; ``assess --help`` lists every command."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True,
             help="assess : plateforme d'évaluation de la certification.")
def main() -> None:
    pass


def register_commands(app: Flask) -> None:
    from worker.cli import serve_command, worker_command

    from .accounts.cli import create_admin_command
    from .demo.cli import demo_command
    from .referential.cli import referential_group

    for command in (referential_group, create_admin_command, demo_command, worker_command,
                    serve_command):
        app.cli.add_command(command)
