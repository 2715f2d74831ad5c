"""/healthz: what a load balancer or `assess serve`'s user checks."""

from __future__ import annotations

import pytest

from tests.conftest import REDIS_URL, make_config, service_unavailable


def health(tmp_path, **overrides):
    from assess import create_app
    from assess.extensions import db

    app = create_app(make_config(tmp_path, **overrides))
    try:
        with app.app_context():
            response = app.test_client().get("/healthz")
            return response.status_code, response.get_json()
    finally:
        with app.app_context():
            db.engine.dispose()


def test_embedded_default_is_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"db": "ok", "broker": "ok"}


def test_unreachable_broker_answers_503(tmp_path):
    status, body = health(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    assert status == 503
    assert body == {"db": "ok", "broker": "error"}


def test_unreachable_database_answers_503(tmp_path):
    status, body = health(
        tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    assert status == 503
    assert body == {"db": "error", "broker": "ok"}


@pytest.mark.redis
def test_redis_broker_is_healthy(tmp_path):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_unavailable("Redis", exc)
    status, body = health(tmp_path, REDIS_URL=REDIS_URL)
    assert (status, body) == (200, {"db": "ok", "broker": "ok"})


def test_unwritable_filesystem_queue_answers_503(tmp_path):
    import shutil

    from assess import create_app
    from assess.extensions import db

    app = create_app(make_config(tmp_path))
    shutil.rmtree(tmp_path / "instance" / "broker" / "queue")
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"db": "ok", "broker": "error"}
