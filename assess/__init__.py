"""assess: certification assessments for training centres and their certifier."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from .extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: object | dict | None = None) -> Flask:
    """Build the application. ``config`` is a class/object or a mapping of overrides."""
    app = Flask(__name__)
    from config import Config

    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    instance = Path(app.config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    app.instance_path = str(instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    _init_extensions(app)
    # Before the routes are declared: <int:…> ids beyond the database's integer are no
    # route at all (404), rather than a query the database refuses (500).
    app.url_map.converters["int"] = DatabaseInteger
    _register_blueprints(app)
    from .commands import register_commands

    register_commands(app)
    from . import web

    web.init_app(app)
    return app


class DatabaseInteger(IntegerConverter):
    """``<int:id>`` within PostgreSQL's INTEGER (ids are 32-bit): larger is not found."""

    def __init__(self, map, *args, max=2**31 - 1, **kwargs):  # noqa: A002 (werkzeug's name)
        super().__init__(map, *args, max=max, **kwargs)


def _instance_secret(instance: Path) -> str:
    """A random key kept under instance/, so sessions survive a restart without configuration."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    from . import models  # noqa: F401  (register every table on the metadata)

    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    from workflows.base import set_translator

    from .i18n import register_date_filters, select_locale, translate

    # The time zone is BABEL_DEFAULT_TIMEZONE for everyone: no selector needed.
    babel.init_app(app, locale_selector=select_locale)
    register_date_filters(app)

    set_translator(translate)  # workflow refusals are shown in the reader's language
    from .background.celery_app import celery_init_app

    celery_init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Wait rather than fail on a lock (set first: switching to WAL may wait too), WAL for
    concurrent web + worker, foreign keys enforced."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from .blueprints import BLUEPRINTS
    from .unit_of_work import retry_on_lost_connection

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # Every view runs once more if its database connection was lost before its commit.
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            app.view_functions[endpoint] = retry_on_lost_connection(view)
