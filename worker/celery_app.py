"""The Celery app, configured from the Flask app so every task runs in an app context."""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask


def broker_settings(config) -> dict:
    """Redis when REDIS_URL is set, else kombu's filesystem transport under instance/."""
    if config.get("REDIS_URL"):
        return {"broker_url": config["REDIS_URL"], "broker_transport_options": {}}
    base = Path(config["BROKER_DIR"])
    queue, control = base / "queue", base / "control"
    for folder in (queue, control):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "polling_interval": 0.5,
        },
    }


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_settings(app.config),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_always_eager=app.config["CELERY_TASK_ALWAYS_EAGER"],
        task_eager_propagates=app.config.get("TESTING", False),
        broker_connection_retry_on_startup=True,
        timezone=app.config["TIMEZONE"],
        enable_utc=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            "outbox-sweep": {
                "task": "worker.tasks.sweep_outbox",
                "schedule": float(app.config["OUTBOX_SWEEP_INTERVAL"]),
            }
        },
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    from . import tasks

    tasks.register(celery)
    return celery
