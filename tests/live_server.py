"""A real `tournee serve` process on a free port, with its own database, that tests can stop and restart."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_SQLITE_TEMPLATES: dict[bool, Path] = {}


def prepare_database(instance: Path, url: str | None = None, with_demo: bool = True) -> str:
    """Schema from the models, stamped at the latest migration, demo data loaded. The default SQLite
    database is built once per test run and copied, so each live server starts on a fresh one."""
    if url is not None:
        return _build_database(instance, url, with_demo)
    template = _SQLITE_TEMPLATES.get(with_demo)
    if template is None:
        folder = Path(tempfile.mkdtemp(prefix="tournee-live-template-"))
        _build_database(folder, f"sqlite:///{folder / 'tournee.sqlite3'}", with_demo)
        template = _SQLITE_TEMPLATES[with_demo] = folder / "tournee.sqlite3"
    target = instance / "tournee.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def _build_database(instance: Path, url: str, with_demo: bool) -> str:
    from flask_migrate import stamp

    from server import create_app
    from server.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "live-test-secret"})
    with app.app_context():
        db.create_all()
        stamp()
        if with_demo:
            from server.services.base.seeding import load_demo
            load_demo(date.today())
        db.session.remove()
        db.engine.dispose()
    return url


class LiveServer:
    def __init__(self, instance: Path, database_url: str, port: int | None = None, env: dict | None = None):
        self.instance = instance
        self.database_url = database_url
        self.port = port or free_port()
        self.env = env or {}
        self.process: subprocess.Popen | None = None
        self.log = instance / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "LiveServer":
        env = dict(os.environ, TOURNEE_INSTANCE=str(self.instance), DATABASE_URL=self.database_url,
                   SECRET_KEY="live-test-secret", **self.env)
        log = open(self.log, "ab")
        # its own process group: gunicorn's master and workers are stopped (or killed) together
        self.process = subprocess.Popen([str(VENV_BIN / "tournee"), "serve", "--port", str(self.port)],
                                        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-3000:]}")

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            if kill:  # a crash: master and workers at once
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.terminate()  # gunicorn's graceful stop
            self.process.wait(15)
        if self.process:
            try:  # nothing of the group may outlive it (a worker holding the port)
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process = None
