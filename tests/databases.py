"""Throw-away test databases on SQLite and PostgreSQL, cloned from a prepared template per test."""
import os
import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pg_server_url() -> str:
    """The PostgreSQL the suite uses: TOURNEE_TEST_PG_URL, else the machine's; "" disables it."""
    return os.environ.get("TOURNEE_TEST_PG_URL", DEFAULT_PG_URL)


def pg_unavailable_reason() -> str | None:
    url = pg_server_url()
    if not url:
        return "PostgreSQL tests disabled (TOURNEE_TEST_PG_URL is empty)"
    try:
        engine = sa.create_engine(_driver(url))
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as err:  # any failure to connect means: skip, and say why
        return f"no PostgreSQL answers at {url} ({type(err).__name__}); set TOURNEE_TEST_PG_URL"
    return None


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def _with_database(url: str, name: str) -> str:
    return str(sa.engine.make_url(_driver(url)).set(database=name))


class PgDatabases:
    """Creates databases beside the configured one so parallel runs never share tables."""

    def __init__(self, server_url: str):
        self.admin = sa.create_engine(_driver(server_url), isolation_level="AUTOCOMMIT")
        self.server_url = server_url
        self.created: list[str] = []

    def create(self, template: str | None = None) -> tuple[str, str]:
        name = f"tournee_t_{uuid.uuid4().hex[:12]}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return name, _with_database(self.server_url, name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            self.drop(name)
        self.admin.dispose()


def clone_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"
