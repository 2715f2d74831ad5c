"""Benchmark 5: e-mails through the real path, into a real SMTP server.

N notifications are queued as the platform queues them (outbox rows written with the
change, published after the commit) and sent by an ``assess worker`` process on the
embedded default (SQLite, filesystem broker) into an aiosmtpd server on loopback; the time
runs from the commit until the server has taken the last one. The BASELINE is the least
work the job can take: the same N messages sent by bare ``smtplib`` from one process, over
one connection, to the same server, in the same run. The ratio says what the outbox, the
claim before sending, the one-connection-per-message delivery and the record after it cost.

Run alone: ``python -m benchmarks.notifications [--quick]``.
"""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from .harness import parse_args, ratio, table

FULL_COUNT = 10_000
QUICK_COUNT = 200
REPO = Path(__file__).resolve().parents[1]
WAIT = 1800  # seconds: the full run sends ten thousand e-mails


class Sink:
    """aiosmtpd handler counting the messages it accepts (and their Message-IDs)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for line in envelope.content.splitlines():
                if line.lower().startswith(b"message-id:"):
                    self.ids.append(line.split(b":", 1)[1].strip().decode())
                    break
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.ids)

    def duplicates(self) -> int:
        with self.lock:
            return len(self.ids) - len(set(self.ids))


@dataclass
class NotificationBenchmark:
    count: int
    baseline_seconds: float
    platform_seconds: float
    received: int
    duplicates: int
    broker: str

    @property
    def baseline_rate(self) -> float:
        return self.count / self.baseline_seconds

    @property
    def platform_rate(self) -> float:
        return self.count / self.platform_seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bare_smtplib(port: int, count: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            msg = EmailMessage()
            msg["From"], msg["To"] = "assess@example.test", f"juror{i}@example.test"
            msg["Subject"], msg["Message-ID"] = f"Message {i}", f"<baseline{i}@bench>"
            msg.set_content("Bonjour,\n\nUn message de la plateforme.\n")
            smtp.send_message(msg)
    return time.perf_counter() - started


def _queue(count: int) -> None:
    """The platform's way: users and their notifications, in batches, then published."""
    from assess.accounts.models import Role, User
    from assess.extensions import db
    from assess.notifications.operations import notify_many
    from assess.outbox import relay

    users = [User(email=f"juror{i}@example.test", role=Role.JUROR, first_name="Jury",
                  last_name=str(i)) for i in range(count)]
    db.session.add_all(users)
    db.session.flush()
    for start in range(0, count, 500):
        notify_many("bench", [(u.id, u.email, "bench", f"Message {u.last_name}",
                               "Bonjour,\n\nUn message de la plateforme.\n")
                              for u in users[start:start + 500]])
    relay.commit()


def _redis_url() -> str | None:
    """A Redis database of its own on the machine's server (flushed, never stopped), or
    None: the embedded folder broker then, which polls (a few messages a second)."""
    url = os.environ.get("ASSESS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except Exception:
        return None
    return url


def _platform(tmp: Path, port: int, count: int, sink: Sink, redis_url: str | None) -> float:
    from assess import create_app
    from assess.extensions import db
    from config import TestConfig

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "MAIL_"))}
    env.update(PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1", SECRET_KEY="bench-secret",
               ASSESS_INSTANCE_PATH=str(tmp / "instance"), DATABASE_URL=f"sqlite:///{tmp}/a.db",
               REDIS_URL=redis_url or "", ASSESS_BROKER_DIR=str(tmp / "broker"), MAIL_BACKEND="smtp",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port), MAIL_USE_TLS="0",
               MAIL_USE_SSL="0", CELERY_TASK_ALWAYS_EAGER="0")
    # This process writes to the same database and broker folder as the worker reads.
    app = create_app(TestConfig.under(tmp, SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"],
                                      BROKER_DIR=tmp / "broker", REDIS_URL=redis_url,
                                      CELERY_TASK_ALWAYS_EAGER=False))
    with app.app_context():
        db.create_all()
        with (tmp / "worker.log").open("wb") as log:  # the child keeps its own descriptor
            worker = subprocess.Popen(
                [sys.executable, "-c", "from assess.cli import main; main()", "worker",
                 "--concurrency", "2", "--loglevel", "warning"], env=env, cwd=REPO,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            time.sleep(3)  # the worker starts listening; queued messages wait anyway
            started = time.perf_counter()
            _queue(count)
            deadline = time.monotonic() + WAIT
            while sink.count() < count:
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise RuntimeError(f"{sink.count()}/{count} sent; see {tmp}/worker.log")
                time.sleep(0.05)
            return time.perf_counter() - started
        finally:
            _stop(worker)
            db.session.remove()
            db.engine.dispose()




def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the worker's group, a bounded wait, then SIGKILL: nothing left behind."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run(quick: bool = False, repeats: int | None = None) -> NotificationBenchmark:
    from aiosmtpd.controller import Controller

    count = QUICK_COUNT if quick else FULL_COUNT
    baseline_sink, platform_sink = Sink(), Sink()
    with tempfile.TemporaryDirectory(prefix="assess-bench-mail-") as tmp:
        servers = [Controller(s, hostname="127.0.0.1", port=_free_port())
                   for s in (baseline_sink, platform_sink)]
        for server in servers:
            server.start()
        try:
            baseline = _bare_smtplib(servers[0].port, count)
            redis_url = _redis_url()
            platform = _platform(Path(tmp), servers[1].port, count, platform_sink, redis_url)
        finally:
            for server in servers:
                server.stop()
    return NotificationBenchmark(count, baseline, platform, platform_sink.count(),
                                 platform_sink.duplicates(),
                                 "Redis" if redis_url else "folder (embedded)")


def report(result: NotificationBenchmark) -> str:
    rows = [("bare smtplib, one connection (baseline)", f"{result.baseline_seconds:.2f} s",
             f"{result.baseline_rate:,.0f}/s", "1.00"),
            (f"assess: outbox → worker ({result.broker} broker) → SMTP", f"{result.platform_seconds:.2f} s",
             f"{result.platform_rate:,.0f}/s",
             f"{ratio(result.platform_seconds, result.baseline_seconds):.2f}")]
    return table(f"E-mails: {result.count:,} messages into aiosmtpd on loopback "
                 f"({result.received:,} received, {result.duplicates} duplicated)",
                 ["path", "time", "rate", "time ratio"], [list(r) for r in rows])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    print(report(run(args.quick, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
