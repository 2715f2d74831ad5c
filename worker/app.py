"""Entry point for ``celery -A worker.app worker``: the Celery app of a fully built Flask app."""

from assess import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
