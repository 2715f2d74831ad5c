"""`assess serve`: the embedded default, web server (waitress) and worker in one command."""

from __future__ import annotations

import os
import signal
import socket

import waitress
from flask import Flask

from .supervisor import WorkerSupervisor, worker_argv

WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def listen_address(server) -> tuple[str, int]:
    """Where waitress really listens (port 0 picks a free one)."""
    if hasattr(server, "effective_port"):
        return str(server.effective_host), int(server.effective_port)
    host, port = server.effective_listen[0][:2]  # several sockets: show the first
    return str(host), int(port)


def url_for_host(host: str, port: int, *, for_links: bool) -> str:
    if host in WILDCARD_HOSTS:
        # Links in e-mails need a name others can reach; the console shows a local one.
        host = socket.getfqdn() if for_links else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(app: Flask, *, host: str, port: int, threads: int, worker_args: list[str],
          echo=print) -> int:
    """Serve ``app`` until SIGINT/SIGTERM, with a supervised worker child; exit code."""
    # Headers up to 1 MiB reach the app, which answers an oversized one with its own 431
    # page (and security headers) instead of waitress's bare text.
    server = waitress.create_server(app, host=host, port=port, threads=threads,
                                    max_request_header_size=1024 * 1024)
    real_host, real_port = listen_address(server)
    env = dict(os.environ)
    if not os.environ.get("BASE_URL"):
        # Links in e-mails point at this server unless BASE_URL says otherwise.
        env["BASE_URL"] = app.config["BASE_URL"] = url_for_host(host, real_port, for_links=True)

    def stop_serving(_signum, _frame):
        raise KeyboardInterrupt  # waitress's loop returns on it

    def give_up(message: str) -> None:
        echo(f"Erreur : {message}")
        os.kill(os.getpid(), signal.SIGTERM)

    supervisor = WorkerSupervisor(worker_argv("--beat", *worker_args), env, on_give_up=give_up,
                                  echo=echo)
    previous: dict = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, stop_serving)
        supervisor.start()
        echo(f"assess est disponible sur {url_for_host(real_host, real_port, for_links=False)}/ "
             "(Ctrl-C pour arrêter)")
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping: kill the worker now rather than wait for it.
        for sig in previous:
            signal.signal(sig, lambda *_: supervisor.force.set())
        echo("arrêt du serveur web et du worker…")
        server.close()
        supervisor.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if supervisor.gave_up:
        return 1
    echo("arrêté.")
    return 0
