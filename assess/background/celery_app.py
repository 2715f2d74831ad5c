"""The Celery app, configured from the Flask app so every task runs in an app context
(the Flask documentation's ``celery_init_app`` pattern)."""

from __future__ import annotations

import importlib
from pathlib import Path

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask
from kombu.transport import TRANSPORT_ALIASES

from ..allocation import tasks as allocation_tasks
from ..outbox import tasks as outbox_tasks
from ..retention import tasks as retention_tasks
from ..submissions import scheduled_reminders as deliverable_reminders

# kombu's filesystem transport with atomic writes and claims (see fs_transport.py).
TRANSPORT_ALIASES.setdefault("assessfs", "assess.background.fs_transport:Transport")

# The modules whose import registers outbox handlers (``outbox.handlers.handler``): one
# per feature with background work. A feature adding handlers adds its module here.
HANDLER_MODULES = (
    "assess.candidates.tasks",
    "assess.convocations.tasks",
    "assess.documents.tasks",
    "assess.notifications.tasks",
    "assess.results.tasks",
    "assess.submissions.tasks",
)


def uses_filesystem_broker(config) -> bool:
    return not config.get("REDIS_URL")


def broker_settings(config) -> dict:
    """Redis when REDIS_URL is set, else a filesystem queue under instance/ (no server)."""
    if not uses_filesystem_broker(config):
        # Redis hands a task nobody acknowledged (acks_late: until it ran) to another
        # worker after the visibility timeout: it must outlast the longest task and the
        # longest retry countdown (a worker holds a task with a countdown, unacknowledged).
        return {"broker_url": config["REDIS_URL"], "broker_transport_options": {
            "visibility_timeout": visibility_timeout(config)}}
    base = Path(config["BROKER_DIR"])
    queue, control, claimed = base / "queue", base / "control", base / "claimed"
    for folder in (queue, control, claimed):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "assessfs://localhost/",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "claim_folder": str(claimed),
            # The consumer waits this long whenever its prefetch is full, so it bounds the
            # throughput (about 2 / interval tasks per second with two processes); a
            # listdir ten times a second costs nothing.
            "polling_interval": 0.1,
        },
        # Remote control and events are broadcasts: on a folder queue they leave files
        # for every worker that ever ran and nobody reads them. `assess worker` also
        # starts without gossip, mingle and heartbeat there.
        "worker_enable_remote_control": False,
        "worker_send_task_events": False,
    }


def visibility_timeout(config) -> int:
    timeout = int(config["BROKER_VISIBILITY_TIMEOUT"])
    longest_wait = max(int(config["OUTBOX_RETRY_BACKOFF_MAX"]),
                       int(config["NOTIFICATION_CLAIM_LEASE"]))
    if timeout <= longest_wait:
        raise ValueError(f"BROKER_VISIBILITY_TIMEOUT ({timeout} s) must be longer than the "
                         f"longest task and retry countdown ({longest_wait} s)")
    return timeout


def load_handlers() -> None:
    """Import every feature's ``tasks`` module, which registers its outbox handlers."""
    for name in HANDLER_MODULES:
        importlib.import_module(name)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    sweep_every = float(app.config["OUTBOX_SWEEP_INTERVAL"])
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_settings(app.config),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        # A task is acknowledged once it ran, not when a worker takes it: a worker that
        # dies gives its tasks back. Every task of the platform is idempotent (outbox rows
        # are keyed and skipped once done; reminders are keyed notifications), so one
        # that was running when its worker was lost is handed out again.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One task reserved per worker process: no task waits behind a long one, nor is
        # lost with a process that reserved many.
        worker_prefetch_multiplier=1,
        task_always_eager=app.config["CELERY_TASK_ALWAYS_EAGER"],
        task_eager_propagates=app.config.get("TESTING", False),
        broker_connection_retry_on_startup=True,
        # A web request publishing to a broker that is down gives up fast: the outbox row
        # stays undispatched and the sweep publishes it later.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0,
                                   "interval_step": 0.2, "interval_max": 0.2},
        timezone=app.config["TIMEZONE"],
        enable_utc=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            "outbox-sweep": {
                "task": outbox_tasks.SWEEP_TASK,
                "schedule": sweep_every,
                # Sweeps queued while no worker ran are useless once the next one is due.
                "options": {"expires": max(sweep_every, 1.0)},
            },
            "grading-reminders": allocation_tasks.schedule(),
            "deliverable-reminders": deliverable_reminders.schedule(),
            "retention-purge": retention_tasks.schedule(),
        },
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    _dispose_engines_after_fork(app, celery)
    load_handlers()  # once per app, not on every delivery
    outbox_tasks.register(celery, app.config)
    allocation_tasks.register(celery)
    deliverable_reminders.register(celery)
    retention_tasks.register(celery)
    return celery


def _dispose_engines_after_fork(app: Flask, celery: Celery) -> None:
    """A prefork child must not share the parent's pooled database connections."""

    def dispose(**_kwargs) -> None:
        from ..extensions import db

        with app.app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)

    celery._assess_dispose_engines = dispose  # the signal holds receivers weakly
    worker_process_init.connect(dispose)
