"""The distributed stack of the fault tests, all of it the test's own: a PostgreSQL schema,
a Redis server on a free port, an SMTP server that stalls, a worker and a beat process.
Each process is stopped by its pid, even when the test fails."""

from __future__ import annotations

import asyncio
import email
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import make_config, postgres_schema
from tests.processes import ASSESS, OwnRedis, child_env, children, start, stop, wait_until

WAIT = 90  # seconds, for anything a worker has to do


class StallingSMTP:
    """aiosmtpd handler: answers EHLO only after ``stall`` seconds (a slow server), and
    records the Message-ID of every message it accepted."""

    def __init__(self, stall: float):
        self.stall = stall
        self.received: list[str] = []
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        await asyncio.sleep(self.stall)
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append(message["Message-ID"])
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.received)


@dataclass
class Stack:
    tmp: Path
    env: dict
    app: object
    smtp: StallingSMTP
    redis: object = None
    worker: object = None
    beat: object = None
    readies: int = 0
    procs: list = field(default_factory=list)

    @property
    def worker_log(self) -> Path:
        return self.tmp / "worker.log"

    def start_worker(self) -> None:
        self.worker = start([*ASSESS, "worker", "--pool", "prefork", "--concurrency", "1",
                             "--loglevel", "info"], self.env, self.worker_log)
        self.procs.append(self.worker)
        self.readies += 1
        wait_until(lambda: self.worker_log.read_text(errors="replace").count(" ready.")
                   >= self.readies, WAIT, "worker ready", self.worker_log, self.worker)

    def pool_child(self) -> int:
        """The worker's one pool process (prefork, concurrency 1; beat runs apart)."""
        return wait_until(lambda: (children(self.worker.pid) or [None])[0], 10,
                          "the worker's pool child", self.worker_log, self.worker)

    def start_beat(self) -> None:
        log = self.tmp / "beat.log"
        self.beat = start([sys.executable, "-m", "celery", "-A", "worker.app", "beat",
                           "--loglevel", "info", "--schedule", str(self.tmp / "beat-schedule")],
                          self.env, log)
        self.procs.append(self.beat)


@pytest.fixture
def fault_stack(tmp_path):
    """A non-eager app in this process and the real processes around it."""
    from aiosmtpd.controller import Controller

    from assess import create_app
    from assess.extensions import db
    from tests.processes import free_port

    redis = OwnRedis(tmp_path)
    smtp = StallingSMTP(stall=1.5)
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    stack = None
    try:
        redis.wait_ready()
        controller.start()
        with postgres_schema("faults") as url:
            settings = {"OUTBOX_RUNNING_LEASE": "5", "OUTBOX_SWEEP_AFTER": "1",
                        "OUTBOX_SWEEP_INTERVAL": "1", "RESULTS_COMPUTE_BATCH": "1"}
            env = child_env(DATABASE_URL=url, REDIS_URL=redis.url, MAIL_BACKEND="smtp",
                            MAIL_SERVER="127.0.0.1", MAIL_PORT=str(controller.port),
                            ASSESS_INSTANCE_PATH=str(tmp_path / "instance"), **settings)
            app = create_app(make_config(
                tmp_path, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis.url,
                CELERY_TASK_ALWAYS_EAGER=False, OUTBOX_RUNNING_LEASE=5, OUTBOX_SWEEP_AFTER=1,
                RESULTS_COMPUTE_BATCH=1))
            with app.app_context():
                db.create_all()
                stack = Stack(tmp_path, env, app, smtp, redis)
                stack.start_beat()
                stack.start_worker()
                yield stack
                db.session.remove()
                for proc in stack.procs:
                    stop(proc)
                db.engine.dispose()
    finally:
        if stack is not None:
            for proc in stack.procs:
                stop(proc)
        controller.stop()
        stack.redis.stop() if stack is not None else redis.stop()
