"""Helpers to run real processes (`assess worker`, `assess serve`) from tests.

Every wait is bounded; every process is started in its own session and killed
with its whole group in a ``finally``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The worker's configuration comes from the environment only: drop what the developer's
# shell may have set, so the test decides everything.
APP_VARIABLES = ("DATABASE_URL", "REDIS_URL", "ASSESS_INSTANCE_PATH", "ASSESS_BROKER_DIR",
                 "MAIL_BACKEND", "MAIL_SINK_DIR", "BASE_URL", "FLASK_APP", "SECRET_KEY",
                 "CELERY_TASK_ALWAYS_EAGER", "OUTBOX_SWEEP_AFTER", "OUTBOX_SWEEP_INTERVAL",
                 "STORAGE_URL", "ASSESS_SUPERVISOR_PID")
ASSESS = [sys.executable, "-c", "from assess.cli import main; main()"]


def child_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(PYTHONUNBUFFERED="1", SECRET_KEY="worker-test-secret",
               CELERY_TASK_ALWAYS_EAGER="0", MAIL_BACKEND="file")
    env.update(values)
    return env


def start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=REPO, start_new_session=True)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> int | None:
    """SIGTERM, bounded wait, then SIGKILL of the whole group. Returns the exit code."""
    code = None
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    finally:
        if group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=10)
    return code


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               log: Path | None = None, proc: subprocess.Popen | None = None):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"process exited ({proc.returncode}) before: {what}\n"
                        + (tail(log) if log else ""))
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for: {what}\n"
                        + (tail(log) if log else ""))
        time.sleep(0.2)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


class OwnRedis:
    """A Redis server of the test's own, on a free port, stopped by its pid: tests that
    kill workers (whose unacknowledged messages stay behind) never touch the machine's."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp = tmp
        self.log = tmp / f"redis-{self.port}.log"
        self.proc = None
        self.start()

    def start(self) -> None:
        """Start it (again, on the same port: a restart after ``stop``)."""
        self.proc = start(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                           "--save", "", "--appendonly", "no", "--dir", str(self.tmp)],
                          os.environ.copy(), self.log)

    def wait_ready(self) -> None:
        import redis

        def answers():
            try:
                return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
            except redis.RedisError:
                return False

        wait_until(answers, 15, f"own redis on port {self.port}", self.log, self.proc)

    def stop(self) -> None:
        stop(self.proc, timeout=10)
