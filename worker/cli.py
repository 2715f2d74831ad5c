"""`assess worker` and `assess serve`, found by `assess` through the ``flask.commands``
entry points (pyproject.toml): they run in the app's context like its own commands."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

LOGLEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
POOLS = ("prefork", "threads", "solo")


@click.command("worker", help="Démarre un worker Celery pour les tâches de fond "
               "(e-mails, calcul des résultats). Avec --beat, il lance aussi le balayage "
               "périodique de l'outbox (un seul --beat pour toute l'installation).")
@click.option("-c", "--concurrency", type=click.IntRange(min=1), default=None,
              help="Tâches en parallèle (défaut : 4 threads avec le broker fichiers, "
                   "un processus par cœur avec Redis).")
@click.option("--pool", type=click.Choice(POOLS), default=None,
              help="Défaut : threads avec le broker fichiers, prefork avec Redis.")
@click.option("--beat/--no-beat", default=False, show_default=True,
              help="Lancer aussi le planificateur (balayage de l'outbox toutes les "
                   "OUTBOX_SWEEP_INTERVAL secondes).")
@click.option("-l", "--loglevel", type=click.Choice(LOGLEVELS, case_sensitive=False),
              default="INFO", show_default=True, help="Niveau des journaux.")
@click.option("-n", "--hostname", default=None, help="Nom du nœud Celery (défaut : celery@hôte).")
@with_appcontext
def worker_command(concurrency, pool, beat, loglevel, hostname) -> None:
    from .runner import WorkerConfigError, run_worker

    try:
        code = run_worker(current_app._get_current_object(), concurrency=concurrency,
                          pool=pool, beat=beat, loglevel=loglevel, hostname=hostname)
    except WorkerConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    raise SystemExit(code)


@click.command("serve", help="Démarre le serveur web (waitress) et, dans un processus "
               "enfant, un worker avec le planificateur. Ctrl-C arrête les deux.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse d'écoute (0.0.0.0 : toutes les interfaces).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="Port d'écoute (0 : un port libre).")
@click.option("--threads", type=click.IntRange(min=1), default=8, show_default=True,
              help="Requêtes web traitées en parallèle.")
@click.option("--worker-concurrency", type=click.IntRange(min=1), default=None,
              help="Tâches en parallèle dans le worker (voir assess worker).")
@with_appcontext
def serve_command(host, port, threads, worker_concurrency) -> None:
    from .serve import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker_args = ["--concurrency", str(worker_concurrency)] if worker_concurrency else []
    try:
        code = serve(current_app._get_current_object(), host=host, port=port, threads=threads,
                     worker_args=worker_args, echo=click.echo)
    except OSError as exc:  # typically the port is taken
        raise click.ClickException(f"impossible d'écouter sur {host}:{port} : {exc}") from exc
    raise SystemExit(code)
