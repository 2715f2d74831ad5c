"""Run a Celery worker in this process for the Flask app (``assess worker``)."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from flask import Flask

from assess.background.celery_app import uses_filesystem_broker

log = logging.getLogger(__name__)

# Set by `assess serve` in its worker child: the worker stops when serve is gone.
PARENT_ENV = "ASSESS_SUPERVISOR_PID"


class WorkerConfigError(Exception):
    """The worker cannot run with this configuration; the message says what to change."""


def worker_options(app: Flask, *, concurrency: int | None, pool: str | None,
                   loglevel: str, hostname: str | None) -> dict:
    """Options of ``celery.Worker`` for this app's broker."""
    embedded = uses_filesystem_broker(app.config)
    # Filesystem broker: "threads". One process: no fork of a process holding SQLite
    # connections, the least memory on a small machine, and tasks (mail, database) wait
    # on I/O rather than the CPU. Redis: "prefork", one process per core.
    pool = pool or ("threads" if embedded else "prefork")
    if concurrency is None:
        concurrency = {"threads": 4, "solo": 1}.get(pool)  # prefork: one per core
    options = {"pool_cls": pool, "concurrency": concurrency, "loglevel": loglevel.upper(),
               "hostname": hostname}
    if embedded:
        # Gossip, mingle and heartbeats are broadcasts between workers: a folder queue
        # would keep a file per event for every worker that ever ran.
        options.update(without_gossip=True, without_mingle=True, without_heartbeat=True)
    return {k: v for k, v in options.items() if v is not None}


def run_worker(app: Flask, *, concurrency: int | None = None, pool: str | None = None,
               beat: bool = False, loglevel: str = "INFO",
               hostname: str | None = None) -> int:
    """Start the worker (and, with ``beat``, the periodic outbox sweep); return its exit code."""
    celery = app.extensions["celery"]
    if celery.conf.task_always_eager:
        raise WorkerConfigError(
            "CELERY_TASK_ALWAYS_EAGER est actif : les tâches s'exécutent déjà dans le "
            "processus web. Retirez cette variable pour utiliser un worker.")
    options = worker_options(app, concurrency=concurrency, pool=pool, loglevel=loglevel,
                             hostname=hostname)
    beat_thread = None
    if beat and options["pool_cls"] == "prefork":
        options["beat"] = True  # Celery's own: a child process the worker stops with it
    elif beat:
        beat_thread = _start_beat_thread(celery)
    _watch_parent()
    quiet_routine_logs(options["loglevel"])
    worker = celery.Worker(**options)
    try:
        worker.start()
    finally:
        if beat_thread is not None:
            beat_thread.stop()
    return worker.exitcode or 0


# Celery logs every task received and succeeded, and beat every task it sends, at INFO:
# the sweep alone would write lines every OUTBOX_SWEEP_INTERVAL seconds. Above DEBUG, the
# console keeps start-up, warnings and errors (failed tasks are logged at ERROR), and the
# platform's own lines: one per e-mail sent, one per sweep that found rows to republish.
ROUTINE_LOGGERS = ("celery.worker.strategy", "celery.app.trace", "celery.beat")


def quiet_routine_logs(loglevel: str) -> None:
    level = logging.WARNING if logging.getLevelName(loglevel.upper()) > logging.DEBUG \
        else logging.NOTSET
    for name in ROUTINE_LOGGERS:
        logging.getLogger(name).setLevel(level)


def _start_beat_thread(celery):
    # With threads or solo there is no fork to keep beat apart from: a thread in this
    # process, so nothing is left behind if the worker is killed.
    from celery.beat import EmbeddedService

    service = EmbeddedService(celery, thread=True)
    service.start()
    return service


def _watch_parent() -> None:
    """Under `assess serve`, stop (warm shutdown) if serve died without stopping us."""
    expected = os.environ.get(PARENT_ENV)
    if not expected or not expected.isdigit():
        return

    def watch() -> None:
        while os.getppid() == int(expected):
            time.sleep(2.0)
        log.warning("assess serve (pid %s) is gone: stopping the worker", expected)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
