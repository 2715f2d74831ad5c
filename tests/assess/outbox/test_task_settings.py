"""The Celery settings that make delivery survive a lost worker without running twice."""

from __future__ import annotations

import pytest

from assess.outbox.relay import DELIVER_TASK
from assess.outbox.tasks import SWEEP_TASK, backoff
from tests.conftest import make_config


def test_tasks_are_acknowledged_late_and_given_back_when_their_worker_is_lost(app):
    celery = app.extensions["celery"]
    conf = celery.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    for name in (DELIVER_TASK, SWEEP_TASK):
        task = celery.tasks[name]
        assert task.acks_late is True and task.reject_on_worker_lost is True


def test_delivery_retries_with_exponential_backoff_and_jitter(app):
    deliver = app.extensions["celery"].tasks[DELIVER_TASK]
    assert deliver.retry_backoff == app.config["OUTBOX_RETRY_BACKOFF"] == 10
    assert deliver.retry_backoff_max == app.config["OUTBOX_RETRY_BACKOFF_MAX"] == 600
    assert deliver.retry_jitter is True
    assert deliver.max_retries is None  # the row's OUTBOX_MAX_ATTEMPTS is the budget
    assert app.config["OUTBOX_MAX_ATTEMPTS"] == 8


def test_backoff_doubles_up_to_its_maximum_with_jitter_in_the_upper_half():
    assert [backoff(n, 10, 600, jitter=False) for n in range(8)] == [
        10, 20, 40, 80, 160, 320, 600, 600]
    for n in range(8):
        full = min(600, 10 * 2 ** n)
        values = {backoff(n, 10, 600) for _ in range(50)}
        assert all(full // 2 <= v <= full for v in values)
    assert len({backoff(5, 10, 600) for _ in range(50)}) > 1  # rows failing together spread


def test_redis_visibility_timeout_outlasts_the_longest_task(tmp_path):
    from assess import create_app

    app = create_app(make_config(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15"))
    options = app.extensions["celery"].conf.broker_transport_options
    assert options["visibility_timeout"] == app.config["BROKER_VISIBILITY_TIMEOUT"] == 7200
    assert options["visibility_timeout"] > app.config["OUTBOX_RETRY_BACKOFF_MAX"]
    assert options["visibility_timeout"] > app.config["NOTIFICATION_CLAIM_LEASE"]


def test_a_visibility_timeout_shorter_than_a_retry_is_refused(tmp_path):
    from assess import create_app

    with pytest.raises(ValueError, match="BROKER_VISIBILITY_TIMEOUT"):
        create_app(make_config(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15",
                               BROKER_VISIBILITY_TIMEOUT=300))


def test_routine_celery_lines_are_quiet_above_debug():
    import logging

    from worker.runner import ROUTINE_LOGGERS, quiet_routine_logs

    try:
        quiet_routine_logs("INFO")
        assert all(logging.getLogger(n).level == logging.WARNING for n in ROUTINE_LOGGERS)
        quiet_routine_logs("debug")
        assert all(logging.getLogger(n).level == logging.NOTSET for n in ROUTINE_LOGGERS)
    finally:
        quiet_routine_logs("debug")
