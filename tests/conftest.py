"""Shared fixtures. Factories return callables; real SMTP is forbidden in every test."""

from __future__ import annotations

import contextlib
import io
import os
import smtplib
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from config import TestConfig

MINIMAL_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
REQUIRE_SERVICES = os.environ.get("ASSESS_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("ASSESS_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ASSESS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_unavailable(what: str, error: Exception | str) -> None:
    """Skip with the reason, or fail when CI requires the services (ASSESS_REQUIRE_SERVICES=1)."""
    message = f"{what} unavailable: {error}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (ASSESS_REQUIRE_SERVICES=1 requires it)")
    pytest.skip(message)


@contextlib.contextmanager
def postgres_schema(prefix: str = "t"):
    """A PostgreSQL URL whose tables live in a schema of their own, dropped afterwards
    (skips, or fails under ASSESS_REQUIRE_SERVICES=1, when the server is down)."""
    import sqlalchemy as sa

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:  # server down; any other error is a failure
        admin.dispose()
        service_unavailable("PostgreSQL", exc)
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url():
    with postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def both_databases(request):
    """``app_config`` for a test run once on SQLite and once on PostgreSQL: a test module
    uses it with ``app_config = both_databases`` (or its own fixture built on it)."""
    if request.param == "postgresql":
        return {"SQLALCHEMY_DATABASE_URI": request.getfixturevalue("postgres_url")}
    return {}


@pytest.fixture(autouse=True)
def _no_real_smtp(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a real SMTP connection")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)


def make_config(tmp_path: Path, **overrides) -> dict:
    return TestConfig.under(tmp_path, **overrides)


@pytest.fixture
def app_config(tmp_path):
    """Overrides for the ``app`` fixture; a test module may redefine this fixture."""
    return {}


@pytest.fixture
def app(tmp_path, app_config):
    from assess import create_app
    from assess.extensions import db

    app = create_app(make_config(tmp_path, **app_config))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def migrated_app(tmp_path):
    """An app whose database was prepared by the migrations, as ``assess db upgrade`` does
    (for the commands that refuse a database they did not prepare)."""
    from flask_migrate import upgrade

    from assess import create_app
    from assess.extensions import db

    app = create_app(make_config(tmp_path))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db(app):
    from assess.extensions import db

    return db


class FreshUserClient(FlaskClient):
    """The test's app context is shared by its requests, and Flask-Login and Flask-Babel
    cache the user and locale in ``g``: forget them before each request, as a real
    (fresh) app context would."""

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            g.pop("_login_user", None)
            g.pop("_flask_babel", None)  # Flask-Babel caches the locale in g too
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshUserClient
    return app.test_client()


@pytest.fixture
def mail_outbox(app):
    from assess.notifications import mail

    mail.outbox.clear()
    yield mail.outbox
    mail.outbox.clear()


@pytest.fixture
def storage_root(app) -> Path:
    from assess.storage import get_storage

    return get_storage(app).root


@pytest.fixture
def storage_files(storage_root):
    """storage_files() -> every file under the storage root (blobs and leftover temp files)."""

    def files() -> list[Path]:
        if not storage_root.exists():
            return []
        return sorted(p for p in storage_root.rglob("*") if p.is_file())

    return files


@pytest.fixture
def post_upload(client):
    def post(exam_id, data=MINIMAL_PDF, filename="memoire.pdf", c=None, deliverable=None,
             **kwargs):
        """To the épreuve's first file deliverable, or to ``deliverable``."""
        c = c or client
        payload = {"file": (io.BytesIO(data), filename)} if data is not None else {}
        path = f"/candidat/epreuves/{exam_id}/depot" + (f"/{deliverable}" if deliverable else "")
        return c.post(path, data=payload,
                      content_type="multipart/form-data", **kwargs)

    return post


@pytest.fixture
def referential_version(db):
    """The packaged référentiel stored as version 1."""
    from assess.referential.operations import store
    from rubrics.loader import load

    version, _ = store(load())
    db.session.commit()
    return version


@pytest.fixture
def audit_actions(db):
    """The actions of the audit trail, oldest first (those starting with ``prefix``)."""
    from assess.audit.models import AuditEvent

    def actions(prefix: str = "") -> list[str]:
        rows = db.session.query(AuditEvent.action).order_by(AuditEvent.id).all()
        return [a for (a,) in rows if a.startswith(prefix)]

    return actions


@pytest.fixture
def make_user(db):
    from tests.factories import create_user

    def make(role="candidate", **kwargs):
        user = create_user(role, **kwargs)
        db.session.commit()
        return user

    return make


@pytest.fixture
def world(db, referential_version):
    """A factory for a full certification set-up; see tests.factories.build_world."""
    from tests.factories import build_world

    def make(**kwargs):
        w = build_world(referential_version, **kwargs)
        db.session.commit()
        return w

    return make


@pytest.fixture
def submit_sheet(db):
    """submit_sheet(assignment, default="acquis", levels={code: level}) -> GradingSheet."""
    from assess.core.columns import utcnow
    from assess.grading.models import CriterionMark, GradingSheet, SheetStatus

    def make(assignment, default="acquis", levels=None, status=SheetStatus.SUBMITTED):
        levels = levels or {}
        sheet = GradingSheet(assignment_id=assignment.id, status=status,
                             submitted_at=utcnow() if status == SheetStatus.SUBMITTED else None)
        for criterion in assignment.exam.block.criteria:
            sheet.marks.append(CriterionMark(criterion_id=criterion.id,
                                             level=levels.get(criterion.code, default),
                                             observation="Observation."))
        db.session.add(sheet)
        db.session.commit()
        return sheet

    return make


@pytest.fixture
def grade_all(submit_sheet):
    """Submit a sheet for every assignment of a world, all at ``default``."""

    def make(world, default="acquis"):
        return [submit_sheet(a, default) for a in world.assignments]

    return make


@pytest.fixture
def login(client):
    """Log a user in through the real login form."""
    from tests.factories import DEFAULT_PASSWORD

    def do_login(user, password=DEFAULT_PASSWORD, c=None):
        c = c or client
        return c.post("/login", data={"email": user.email, "password": password},
                      follow_redirects=False)

    return do_login


@pytest.fixture
def count_queries(db):
    """``with count_queries() as statements:`` collects the SQL run inside the block.

    The identity map is expired first, so that what earlier requests loaded does not
    hide queries: the count is the one of a fresh request."""
    from sqlalchemy import event

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            statements.append(statement)

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


def signed_in_cookie_id(user) -> str:
    """Open a login session for ``user`` (committed) and return what Flask-Login keeps in
    the session cookie for it."""
    from assess.accounts import login_sessions
    from assess.extensions import db

    login_sessions.start(user, "127.0.0.1", "pytest")
    db.session.commit()
    return user.get_id()


@pytest.fixture
def as_user(client):
    """Log a user in by setting the Flask-Login session directly (no form, no throttle)."""

    def switch(user, c=None):
        c = c or client
        cookie_id = signed_in_cookie_id(user)
        with c.session_transaction() as sess:
            sess.clear()
            sess["_user_id"] = cookie_id
            sess["_fresh"] = True
        return c

    return switch
