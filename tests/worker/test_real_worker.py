"""A real `assess worker` process, configured by environment variables only, delivers
what the web side commits: embedded (SQLite + filesystem broker) and distributed
(PostgreSQL + Redis)."""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select, update

from assess.core.columns import utcnow
from tests.conftest import POSTGRES_URL, REDIS_URL, make_config, service_unavailable
from tests.processes import ASSESS, child_env, start, stop, tail, wait_until

pytestmark = pytest.mark.worker

WAIT = 60  # seconds, for anything the worker has to do


@dataclass
class Stack:
    name: str
    tmp: Path
    env: dict[str, str]
    config: dict
    cleanups: list = field(default_factory=list)

    @property
    def mail_dir(self) -> Path:
        return self.tmp / "mail"


def _paths(tmp: Path) -> dict:
    return {"ASSESS_INSTANCE_PATH": str(tmp / "instance"), "MAIL_SINK_DIR": str(tmp / "mail"),
            "ASSESS_BROKER_DIR": str(tmp / "broker"),
            # The sweep runs every second and takes rows older than a second.
            "OUTBOX_SWEEP_INTERVAL": "1", "OUTBOX_SWEEP_AFTER": "1"}


def _config(tmp: Path, database_url: str, redis_url: str | None) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
            "BROKER_DIR": tmp / "broker", "MAIL_BACKEND": "file", "MAIL_SINK_DIR": tmp / "mail",
            "CELERY_TASK_ALWAYS_EAGER": False, "OUTBOX_SWEEP_AFTER": 1,
            "OUTBOX_SWEEP_INTERVAL": 1}


def embedded_stack(tmp: Path) -> Stack:
    url = f"sqlite:///{tmp / 'assess.sqlite'}"
    env = child_env(DATABASE_URL=url, REDIS_URL="", **_paths(tmp))
    return Stack("embedded", tmp, env, _config(tmp, url, None))


def distributed_stack(tmp: Path) -> Stack:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError as exc:
        service_unavailable("Redis", exc)
    schema = f"worker_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        service_unavailable("PostgreSQL", exc)
    # Tables of this run live in their own schema: nothing to clash with, dropped at the end.
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    env = child_env(DATABASE_URL=url, REDIS_URL=REDIS_URL, **_paths(tmp))
    stack = Stack("distributed", tmp, env, _config(tmp, url, REDIS_URL))

    def drop_schema():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    stack.cleanups.append(drop_schema)
    return stack


@pytest.fixture(scope="module", params=[
    "embedded",
    pytest.param("distributed", marks=[pytest.mark.postgres, pytest.mark.redis]),
])
def stack(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    made = embedded_stack(tmp) if request.param == "embedded" else distributed_stack(tmp)
    yield made
    for cleanup in reversed(made.cleanups):
        cleanup()


@pytest.fixture(scope="module")
def web(stack):
    """The web side of the stack: a non-eager app in this process, tables created."""
    from assess import create_app
    from assess.extensions import db

    app = create_app(make_config(stack.tmp, **stack.config))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def worker(stack, web):
    log = stack.tmp / "worker.log"
    proc = start([*ASSESS, "worker", "--beat", "--concurrency", "2", "--loglevel", "info"],
                 stack.env, log)
    try:
        wait_until(lambda: " ready." in log.read_text(errors="replace"), WAIT,
                   f"{stack.name} worker ready", log, proc)
        yield proc, log
    finally:
        stop(proc)


def fresh(db):
    """End this session's transaction: the next query sees what the worker committed."""
    db.session.rollback()
    db.session.expire_all()


def outbox_done(db, outbox_id: int) -> bool:
    from assess.outbox.models import OutboxMessage

    fresh(db)
    return db.session.scalar(select(OutboxMessage.done_at).where(OutboxMessage.id == outbox_id)) \
        is not None


def eml_to(stack: Stack, address: str) -> list:
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(stack.mail_dir.glob("*.eml"))]
    return [m for m in messages if m["To"] == address]


def queue_notification(db, address: str, publish: bool) -> int:
    from assess.notifications.operations import notify
    from assess.outbox import relay
    from assess.outbox.models import OutboxMessage
    from tests.factories import create_user

    user = create_user("candidate", email=address)
    notify("worker.test", user, "object:1", "Convocation — épreuve écrite",
           "Bonjour,\nvotre épreuve a lieu lundi.\n")
    if publish:
        relay.commit()  # commits, then sends the task to the broker
    else:
        db.session.commit()  # as if the broker had been down: only the sweep can send it
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.key.like(f"notify:worker.test:{user.id}:%")))


def test_worker_sends_the_committed_notification(stack, web, worker):
    from assess.extensions import db
    from assess.notifications.models import Notification, NotificationStatus

    proc, log = worker
    outbox_id = queue_notification(db, f"relay-{stack.name}@example.test", publish=True)
    wait_until(lambda: outbox_done(db, outbox_id), WAIT, "outbox row done", log, proc)
    sent = eml_to(stack, f"relay-{stack.name}@example.test")
    assert len(sent) == 1, tail(log)
    assert sent[0]["Subject"] == "Convocation — épreuve écrite"
    assert "votre épreuve a lieu lundi" in sent[0].get_body(("plain",)).get_content()
    fresh(db)
    status = db.session.scalar(select(Notification.status).where(
        Notification.recipient_email == f"relay-{stack.name}@example.test"))
    assert status == NotificationStatus.SENT


def test_beat_sweep_delivers_a_row_never_published(stack, web, worker):
    from assess.extensions import db
    from assess.outbox.models import OutboxMessage

    proc, log = worker
    outbox_id = queue_notification(db, f"sweep-{stack.name}@example.test", publish=False)
    wait_until(lambda: outbox_done(db, outbox_id), WAIT, "swept row done", log, proc)
    assert len(eml_to(stack, f"sweep-{stack.name}@example.test")) == 1
    fresh(db)
    assert db.session.get(OutboxMessage, outbox_id).dispatched_at is not None


def test_worker_computes_session_results(stack, web, worker):
    from assess.extensions import db
    from assess.grading.models import CriterionMark, GradingSheet, SheetStatus
    from assess.jobs.models import Job, JobStatus
    from assess.outbox import relay
    from assess.referential.operations import store
    from assess.results.models import TitleResult
    from assess.results.operations import start_compute
    from rubrics.loader import load
    from tests.factories import build_world

    proc, log = worker
    version, _ = store(load())
    world = build_world(version, candidates=3, status="deliberation")
    for assignment in world.assignments:
        sheet = GradingSheet(assignment_id=assignment.id, status=SheetStatus.SUBMITTED,
                             submitted_at=utcnow())
        sheet.marks = [CriterionMark(criterion_id=c.id, level="acquis", observation="ok")
                       for c in assignment.exam.block.criteria]
        db.session.add(sheet)
    db.session.commit()
    job = start_compute(world.admin, world.session)
    relay.commit()
    job_id, enrolment_ids = job.id, [e.id for e in world.enrolments]

    def finished():
        fresh(db)
        return db.session.scalar(select(Job.status).where(Job.id == job_id)) in (
            JobStatus.DONE, JobStatus.FAILED)

    wait_until(finished, WAIT, "results.compute job finished", log, proc)
    done = db.session.get(Job, job_id)
    assert done.status == JobStatus.DONE, f"{done.message}\n{tail(log)}"
    titles = db.session.scalar(select(func.count()).select_from(TitleResult).where(
        TitleResult.enrolment_id.in_(enrolment_ids)))
    assert titles == len(enrolment_ids)


def test_stale_dispatched_row_is_republished(stack, web, worker):
    """A row dispatched long ago and never done (its message lost with a killed worker)."""
    from assess.extensions import db
    from assess.outbox.models import OutboxMessage

    proc, log = worker
    address = f"lost-{stack.name}@example.test"
    outbox_id = queue_notification(db, address, publish=False)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                       .values(dispatched_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    wait_until(lambda: outbox_done(db, outbox_id), WAIT, "stale row done", log, proc)
    assert len(eml_to(stack, address)) == 1


def test_every_event_of_the_catalogue_goes_out_once(stack, web, worker):
    """Each event the platform knows, queued as the operations queue it, is delivered by
    the real worker exactly once, with a plain-text and an HTML part, to the right person;
    an optional one the recipient turned off stays in their notification centre only."""
    from assess.extensions import db
    from assess.notifications.kinds import EVENTS, kind_of
    from assess.notifications.models import Notification, NotificationStatus
    from assess.notifications.operations import notify, save_email_preferences
    from assess.outbox import relay
    from tests.factories import create_user

    proc, log = worker
    people = {}
    for event in EVENTS:
        address = f"every-{event.replace('.', '-')}-{stack.name}@example.test"
        people[event] = create_user("candidate", email=address)
        notify(event, people[event], f"catalogue:{event}", f"Objet de {event}",
               f"Bonjour,\nceci concerne {event}.\n", link="/notifications")
    # Someone who turned the reminders off gets the reminder in the centre, not by e-mail.
    silent = create_user("candidate", email=f"silent-{stack.name}@example.test")
    save_email_preferences(silent, silent, receive=[])
    notify("deliverable_reminder", silent, "catalogue:silent", "Rappel", "Déposez.\n")
    relay.commit()

    def delivered():
        fresh(db)
        return db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.key.like("%catalogue:%"),
            Notification.status.in_((NotificationStatus.PENDING,
                                     NotificationStatus.SENDING)))) == 0

    wait_until(delivered, WAIT * 2, "every event delivered", log, proc)
    for event, user in people.items():
        mails = eml_to(stack, user.email)
        assert len(mails) == 1, (event, tail(log))
        assert mails[0]["Subject"] == f"Objet de {event}"
        assert f"ceci concerne {event}" in mails[0].get_body(("plain",)).get_content()
        assert f"ceci concerne {event}" in mails[0].get_body(("html",)).get_content()
    assert eml_to(stack, silent.email) == []
    row = db.session.scalar(select(Notification).where(Notification.recipient_id == silent.id))
    assert kind_of("deliverable_reminder") is not None
    assert row.status == NotificationStatus.OPTED_OUT and row.sent_at is None
