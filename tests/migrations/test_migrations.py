"""One head, date-prefixed files, and upgrade/downgrade on SQLite and PostgreSQL, with the
upgraded schema matching the models (so nobody forgets a migration)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.conftest import make_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _script() -> ScriptDirectory:
    cfg = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def test_single_head():
    assert len(_script().get_heads()) == 1


def test_revision_files_are_date_prefixed():
    files = [p.name for p in (MIGRATIONS / "versions").glob("*.py")]
    assert files
    for name in files:
        assert re.match(r"^\d{8}_[0-9a-f]+_\w+\.py$", name), name


def test_every_downgrade_is_real():
    for rev in _script().walk_revisions():
        source = Path(rev.path).read_text()
        body = source.split("def downgrade()", 1)[1]
        assert "op." in body, f"{rev.path}: downgrade() does nothing"


def _roundtrip(app):
    from flask_migrate import downgrade, upgrade

    from assess.extensions import db

    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        with db.engine.connect() as conn:
            assert "users" in sa.inspect(conn).get_table_names()
        db.engine.dispose()


def test_upgrade_downgrade_sqlite(tmp_path):
    from assess import create_app

    _roundtrip(create_app(make_config(tmp_path)))


@pytest.mark.postgres
def test_upgrade_downgrade_postgresql(tmp_path, postgres_url):
    from assess import create_app

    _roundtrip(create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_url)))
