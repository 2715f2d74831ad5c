"""The pieces of `assess worker` / `assess serve` that need no process."""

from __future__ import annotations

import sys
import threading

import pytest

from assess.cli import main
from tests.conftest import make_config
from worker.runner import WorkerConfigError, run_worker, worker_options
from worker.serve import url_for_host
from worker.supervisor import WorkerSupervisor


def options(app, **kw):
    return worker_options(app, **{"concurrency": None, "pool": None, "loglevel": "info",
                                  "hostname": None, **kw})


def test_filesystem_broker_runs_threads_without_broadcasts(app):
    opts = options(app)
    assert opts["pool_cls"] == "threads" and opts["concurrency"] == 4
    assert opts["without_gossip"] and opts["without_mingle"] and opts["without_heartbeat"]
    assert opts["loglevel"] == "INFO"
    conf = app.extensions["celery"].conf
    assert conf.broker_url.startswith("assessfs://")
    assert conf.worker_enable_remote_control is False


def test_redis_broker_runs_prefork_with_everything(tmp_path):
    from assess import create_app

    app = create_app(make_config(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15"))
    opts = options(app)
    assert opts["pool_cls"] == "prefork" and "concurrency" not in opts
    assert "without_gossip" not in opts
    assert app.extensions["celery"].conf.broker_url == "redis://127.0.0.1:6379/15"


def test_explicit_options_win(app):
    opts = options(app, pool="solo", concurrency=3, hostname="w1@%h", loglevel="debug")
    assert opts["pool_cls"] == "solo" and opts["concurrency"] == 3
    assert opts["hostname"] == "w1@%h" and opts["loglevel"] == "DEBUG"


def test_worker_refuses_eager_mode(app):
    with pytest.raises(WorkerConfigError, match="CELERY_TASK_ALWAYS_EAGER"):
        run_worker(app)


def test_worker_command_reports_eager_mode_clearly(app):
    # `assess worker` comes from the flask.commands entry point, not from app.cli.
    result = app.test_cli_runner().invoke(main, args=["worker"])
    assert result.exit_code == 1
    assert "CELERY_TASK_ALWAYS_EAGER" in result.output


def test_commands_have_their_options(app):
    runner = app.test_cli_runner()
    for name, expected in (("worker", ("--concurrency", "--beat / --no-beat", "--loglevel")),
                           ("serve", ("--host", "--port", "--threads"))):
        result = runner.invoke(main, args=[name, "--help"])
        assert result.exit_code == 0
        for option in expected:
            assert option in result.output


@pytest.mark.parametrize(("host", "links", "expected"), [
    ("127.0.0.1", True, "http://127.0.0.1:8000"),
    ("0.0.0.0", False, "http://127.0.0.1:8000"),
    ("::1", True, "http://[::1]:8000"),
])
def test_urls(host, links, expected):
    assert url_for_host(host, 8000, for_links=links) == expected


def test_supervisor_restarts_then_gives_up(tmp_path):
    gave_up = threading.Event()
    lines: list[str] = []
    supervisor = WorkerSupervisor([sys.executable, "-c", "raise SystemExit(3)"], {},
                                  max_restarts=1, window=60, on_give_up=lambda m: gave_up.set(),
                                  echo=lines.append)
    supervisor.start()
    try:
        assert gave_up.wait(15), lines
    finally:
        supervisor.stop()
    assert len([line for line in lines if line.startswith("worker démarré")]) == 2
    assert "2 fois" in supervisor.gave_up and "code 3" in supervisor.gave_up


def test_supervisor_stop_ends_a_running_child():
    supervisor = WorkerSupervisor([sys.executable, "-c", "import time; time.sleep(60)"], {},
                                  echo=lambda m: None, stop_timeout=5)
    supervisor.start()
    code = supervisor.stop()
    assert code == -15  # SIGTERM
    assert supervisor.gave_up is None
