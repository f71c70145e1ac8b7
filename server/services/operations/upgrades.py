"""Schema upgrades that fail halfway leave the database as it was.

PostgreSQL has transactional DDL: Alembic runs every pending migration in one transaction, a failure
rolls it all back. SQLite commits DDL as it goes, so before migrating a SQLite database with something
pending we copy it (online backup API) beside itself as `<database>.before-upgrade`, and put the copy
back if the upgrade raises. The copy is kept after a success, for a manual roll back."""
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

SUFFIX = ".before-upgrade"


def sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def pending(engine: Engine, heads: tuple) -> bool:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) != set(heads)


@contextmanager
def guarded_upgrade(engine: Engine, heads: tuple):
    """Run the migrations inside; on SQLite with something to do, copy first and put back on failure."""
    path = sqlite_file(engine)
    if path is None or not path.exists() or not pending(engine, heads):
        yield
        return
    copy = path.with_name(path.name + SUFFIX)
    copy_sqlite(path, copy)
    try:
        yield
    except BaseException:
        engine.dispose()
        copy_sqlite(copy, path)
        raise


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (WAL content included)."""
    origin, destination = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()
