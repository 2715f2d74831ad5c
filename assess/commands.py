"""The app's own CLI commands, attached to ``app.cli`` by ``create_app``."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from .accounts.cli import create_admin_command
    from .candidates.cli import candidates_group
    from .cpf.cli import cpf_group
    from .demo.cli import demo_command
    from .referential.cli import referential_group
    from .retention.cli import retention_group

    for command in (referential_group, create_admin_command, demo_command, candidates_group,
                    cpf_group, retention_group):
        app.cli.add_command(command)
