"""`assess serve` in a real process: web answers, worker child runs, a signal stops both."""

from __future__ import annotations

import json
import os
import re
import signal
import urllib.error
import urllib.request

import pytest

from tests.processes import ASSESS, child_env, group_alive, start, stop, tail, wait_until

pytestmark = pytest.mark.worker


def healthz(url: str):
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return response.status, json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT],
                         ids=["SIGTERM", "SIGINT"])
def test_serve_runs_web_and_worker_and_stops_both(tmp_path, stop_signal):
    env = child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'assess.sqlite'}", REDIS_URL="",
                    ASSESS_INSTANCE_PATH=str(tmp_path / "instance"),
                    MAIL_SINK_DIR=str(tmp_path / "mail"))
    log = tmp_path / "serve.log"
    serve = start([*ASSESS, "serve", "--port", "0", "--threads", "2"], env, log)
    worker_pid = None

    def text() -> str:
        return log.read_text(errors="replace")

    try:
        url = wait_until(lambda: re.search(r"disponible sur (http://127\.0\.0\.1:\d+)/", text()),
                         30, "serve prints its URL", log, serve).group(1)
        worker_pid = int(re.search(r"worker démarré \(pid (\d+)\)", text()).group(1))
        assert healthz(url) == (200, {"db": "ok", "broker": "ok"})
        _oversized_cookie_gets_the_apps_page(url)
        # Stopped once its signal handlers are in place, as a person would stop it.
        wait_until(lambda: " ready." in text(), 30, "worker ready", log, serve)
        assert group_alive(worker_pid)

        serve.send_signal(stop_signal)
        code = serve.wait(timeout=45)
        assert code == 0, tail(log)
        assert "arrêté." in text()
        assert not group_alive(worker_pid), "the worker (or a child of it) outlived serve"
        assert healthz(url) is None
    finally:
        stop(serve, timeout=5)
        if worker_pid is not None and group_alive(worker_pid):
            os.killpg(worker_pid, signal.SIGKILL)


def _oversized_cookie_gets_the_apps_page(url: str) -> None:
    """Defect: a 300 KB cookie got waitress's bare 431, without the security headers."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest("GET", "/login")
        conn.putheader("Cookie", "x=" + "a" * 300_000)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode()
    finally:
        conn.close()
    assert response.status == 431
    assert response.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    assert "cookies trop volumineux" in body


def test_worker_stops_when_serve_is_killed(tmp_path):
    """SIGKILL leaves serve no chance to clean up: the worker notices and stops itself."""
    env = child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'assess.sqlite'}", REDIS_URL="",
                    ASSESS_INSTANCE_PATH=str(tmp_path / "instance"))
    log = tmp_path / "serve.log"
    serve = start([*ASSESS, "serve", "--port", "0", "--threads", "1"], env, log)
    worker_pid = None
    try:
        found = wait_until(lambda: re.search(r"worker démarré \(pid (\d+)\)", log.read_text()),
                           30, "worker started", log, serve)
        worker_pid = int(found.group(1))
        wait_until(lambda: " ready." in log.read_text(), 30, "worker ready", log, serve)
        serve.kill()
        serve.wait(timeout=10)
        wait_until(lambda: not group_alive(worker_pid), 30, "orphan worker stopped", log)
        assert "is gone: stopping the worker" in log.read_text()
    finally:
        stop(serve, timeout=5)
        if worker_pid is not None and group_alive(worker_pid):
            os.killpg(worker_pid, signal.SIGKILL)
