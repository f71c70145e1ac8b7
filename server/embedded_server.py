"""`tournee serve` behind gunicorn, the production WSGI server, run in-process: the master process keeps
the embedded periodic tick (exactly one, whatever the number of workers: threads do not survive the
fork); each worker starts with an empty connection pool (no database connection crosses a fork)."""
from flask import Flask
from gunicorn.app.base import BaseApplication

from .extensions import db


class EmbeddedServer(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("post_fork", self._forget_inherited_connections)

    def _forget_inherited_connections(self, _server, _worker) -> None:
        with self.app.app_context():
            db.engine.dispose(close=False)  # the master's connections stay the master's

    def load(self) -> Flask:
        return self.app


def serve(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped (SIGTERM or Ctrl-C: graceful, a few seconds at most)."""
    EmbeddedServer(app, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
        "graceful_timeout": 5, "timeout": 120, "preload_app": False, "reuse_port": True,
        "accesslog": None, "errorlog": "-", "loglevel": "warning",
    }).run()
