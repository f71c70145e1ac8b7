"""Fixtures shared by every level: apps on SQLite and PostgreSQL, demo data, clients, live server, browser."""
import re
from datetime import date
from pathlib import Path

import pytest

from server import create_app
from server.extensions import db
from tests.databases import PgDatabases, clone_sqlite, pg_server_url, pg_unavailable_reason

BACKENDS = ["sqlite", "postgresql"]


def _make_app(url: str, instance: Path, **extra):
    config = {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "TESTING": True,
              "SECRET_KEY": "test-secret-key", "BLOB_DIR": str(instance / "blobs")}
    config.update(extra)
    return create_app(config)


def _prepare_template(url: str, instance: Path, with_demo: bool) -> None:
    app = _make_app(url, instance)
    with app.app_context():
        db.create_all()
        if with_demo:
            from server.services.base.seeding import load_demo
            load_demo(date.today())
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's standalone S3 server, one for the session (each test makes its own bucket)."""
    from tests.s3_server import S3Server
    server = S3Server(tmp_path_factory.mktemp("s3") / "moto.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_databases():
    reason = pg_unavailable_reason()
    if reason:
        pytest.skip(reason)
    databases = PgDatabases(pg_server_url())
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """Per backend and flavour ("empty", "demo"), a database prepared once and cloned per test."""
    prepared: dict = {}

    def get(backend: str, flavour: str, request):
        key = (backend, flavour)
        if key not in prepared:
            instance = tmp_path_factory.mktemp(f"tmpl-{backend}-{flavour}")
            if backend == "sqlite":
                path = instance / "template.sqlite3"
                _prepare_template(f"sqlite:///{path}", instance, flavour == "demo")
                prepared[key] = path
            else:
                pg = request.getfixturevalue("pg_databases")
                name, url = pg.create()
                _prepare_template(url, instance, flavour == "demo")
                prepared[key] = name
        return prepared[key]
    return get


def _app_for(request, tmp_path, templates, flavour: str):
    backend = request.param
    template = templates(backend, flavour, request)
    instance = tmp_path / "instance"
    instance.mkdir()
    if backend == "sqlite":
        url = clone_sqlite(template, tmp_path / "db.sqlite3")
        yield _make_app(url, instance)
        return
    pg = request.getfixturevalue("pg_databases")
    name, url = pg.create(template=template)
    app = _make_app(url, instance)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    pg.drop(name)


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, templates):
    """An app on an empty schema, once on SQLite and once on PostgreSQL."""
    yield from _app_for(request, tmp_path, templates, "empty")


@pytest.fixture(params=BACKENDS)
def demo_app(request, tmp_path, templates):
    """An app whose database holds the demo data of both utilities, on SQLite and PostgreSQL."""
    yield from _app_for(request, tmp_path, templates, "demo")


@pytest.fixture(params=["sqlite"])
def sqlite_app(request, tmp_path, templates):
    """An app on an empty schema, SQLite only, for rules that do not depend on the database engine."""
    yield from _app_for(request, tmp_path, templates, "empty")


@pytest.fixture(params=["sqlite"])
def sqlite_demo_app(request, tmp_path, templates):
    """The demo app on SQLite only, for checks that do not depend on the database engine."""
    yield from _app_for(request, tmp_path, templates, "demo")


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def demo_ctx(demo_app):
    with demo_app.app_context():
        yield demo_app


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(client, login: str, password: str = "tournee2026"):
    """Sign in through the real form, CSRF token included."""
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "login": login, "password": password})


@pytest.fixture
def office(sqlite_demo_app):
    """A function returning a test client signed in as the given demo login."""
    def client_for(login: str):
        client = sqlite_demo_app.test_client()
        response = sign_in(client, login)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return client_for
