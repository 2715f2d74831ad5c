"""A worker child process for `assess serve`: started, watched, restarted, stopped."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable

from .runner import PARENT_ENV

log = logging.getLogger(__name__)


def worker_argv(*extra: str) -> list[str]:
    """The worker as a command: ``python -m worker`` runs ``assess worker``."""
    return [sys.executable, "-m", "worker", *extra]


def stop_process(proc: subprocess.Popen, timeout: float, force: threading.Event | None = None,
                 ) -> int | None:
    """SIGTERM (Celery's warm shutdown: running tasks finish), wait up to ``timeout``,
    then SIGKILL the child's whole process group (a beat or pool child it left)."""
    if proc.poll() is None:
        proc.terminate()
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if force is not None and force.is_set():
            break
        time.sleep(0.1)
    if proc.poll() is None:
        log.warning("worker pid %s did not stop in %.0f s: killed", proc.pid, timeout)
    _kill_group(proc.pid)
    try:
        return proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return None


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class WorkerSupervisor:
    """Keep one worker child running; give up after ``max_restarts`` in ``window`` s."""

    def __init__(self, argv: list[str], env: dict[str, str], *, max_restarts: int = 5,
                 window: float = 300.0, stop_timeout: float = 30.0,
                 on_give_up: Callable[[str], None] | None = None,
                 echo: Callable[[str], None] = print) -> None:
        self.argv, self.env = argv, dict(env, **{PARENT_ENV: str(os.getpid())})
        self.max_restarts, self.window, self.stop_timeout = max_restarts, window, stop_timeout
        self.on_give_up, self.echo = on_give_up, echo
        self.proc: subprocess.Popen | None = None
        self.gave_up: str | None = None
        self.force = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._deaths: deque[float] = deque()

    def start(self) -> None:
        self._spawn()
        threading.Thread(target=self._watch, name="worker-watch", daemon=True).start()

    def _spawn(self) -> None:
        # Own session: the terminal's Ctrl-C reaches serve only, which stops the worker
        # once (a second SIGINT would make Celery abandon running tasks).
        self.proc = subprocess.Popen(self.argv, env=self.env, start_new_session=True)
        self.echo(f"worker démarré (pid {self.proc.pid})")

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            code = self.proc.poll()
            if code is None:
                continue
            with self._lock:
                if self._stopping.is_set():
                    return
                _kill_group(self.proc.pid)  # whatever the dead worker left behind
                if not self._may_restart(code):
                    return
                delay = min(30, 2 ** (len(self._deaths) - 1))
                log.warning("worker exited (code %s); restart %s/%s in %s s", code,
                            len(self._deaths), self.max_restarts, delay)
            if self._stopping.wait(delay):
                return
            with self._lock:
                if not self._stopping.is_set():
                    self._spawn()

    def _may_restart(self, code: int) -> bool:
        now = time.monotonic()
        self._deaths.append(now)
        while self._deaths and self._deaths[0] < now - self.window:
            self._deaths.popleft()
        if len(self._deaths) <= self.max_restarts:
            return True
        self.gave_up = (f"le worker s'est arrêté {len(self._deaths)} fois en "
                        f"{self.window / 60:.0f} min (dernier code {code}) : arrêt. "
                        "Lisez les messages du worker ci-dessus.")
        if self.on_give_up is not None:
            self.on_give_up(self.gave_up)
        return False

    def stop(self) -> int | None:
        """Stop watching, then stop the worker; returns its exit code (None if unknown)."""
        with self._lock:
            self._stopping.set()
            proc = self.proc
        if proc is None:
            return None
        return stop_process(proc, self.stop_timeout, self.force)
