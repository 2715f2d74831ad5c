"""The ``assess`` command: a Flask CLI group; ``assess --help`` lists every command.

The app's own commands are added by ``create_app`` (``assess.commands``); ``assess
worker`` and ``assess serve`` come from the ``worker`` package through the
``flask.commands`` entry points (pyproject.toml), so that the app never imports it.
"""

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
