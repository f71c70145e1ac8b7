"""`tournee backup` and `tournee restore`: a consistent copy of a running instance and its way back.

The database is copied first (SQLite's online backup API; `pg_dump` inside an exported snapshot for
PostgreSQL), the blobs after it. Blobs are content-addressed and never rewritten, so every blob a
report of the copied database names was already on disk when the copy was taken: copying them
afterwards is consistent. The manifest lists every table's row count in the copy and every blob with
the SHA-256 of its bytes."""
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from ...extensions import db
from .blob_files import blob_names, blob_path, copy_atomically, file_sha256

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE, PG_FILE = "database.sqlite3", "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go on, with a French message for the operator."""


@dataclass(frozen=True)
class Restored:
    backend: str
    tables: dict
    blobs: int


def table_names() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables] + ["alembic_version"]


def backup_instance(dest: str | Path, blob_dir: str | Path, now: datetime) -> dict:
    """Copy the database and the blobs into DEST (a new or empty folder); returns the manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"Le dossier {dest} n'est pas vide : choisissez un dossier neuf par sauvegarde.")
    dest.mkdir(parents=True, exist_ok=True)
    backend = db.engine.dialect.name
    if backend == "sqlite":
        database_file, tables, revision = _backup_sqlite(dest / SQLITE_FILE)
    elif backend == "postgresql":
        database_file, tables, revision = _backup_postgresql(dest / PG_FILE)
    else:
        raise BackupError(f"Base {backend} non prise en charge.")
    blobs = {}
    for name, path in blob_names(blob_dir):
        target = blob_path(dest / "blobs", name)
        copy_atomically(path, target)
        blobs[name] = {"size": target.stat().st_size, "sha256": file_sha256(target)}
    manifest = {"format": FORMAT, "created_at": now.isoformat(timespec="seconds"), "backend": backend,
                "schema_revision": revision, "database": {"file": database_file.name,
                                                          "sha256": file_sha256(database_file)},
                "tables": tables, "blobs": blobs}
    tmp = dest / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, dest / MANIFEST)  # the manifest last: a backup without one is unfinished
    return manifest


def _backup_sqlite(target: Path) -> tuple[Path, dict, str | None]:
    raw = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)  # a consistent snapshot, writers keep going (WAL)
            tables = {name: _count(copy, name) for name in table_names()}
            revision = _revision(copy)
        finally:
            copy.close()
    finally:
        raw.close()
    return target, tables, revision


def _count(connection: sqlite3.Connection, table: str) -> int | None:
    try:
        return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except sqlite3.OperationalError:
        return None


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _backup_postgresql(target: Path) -> tuple[Path, dict, str | None]:
    """pg_dump of the very snapshot the row counts are read in (REPEATABLE READ, exported snapshot)."""
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            existing = set(sa.inspect(conn).get_table_names())
            tables = {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                      if name in existing else None for name in table_names()}
            revision = (conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
                        if "alembic_version" in existing else None)
            _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                    f"--file={target}")
    return target, tables, revision


def _pg_target() -> tuple[str, dict]:
    """The libpq URL of the app's database without its password (given through PGPASSWORD)."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _run_pg(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} est introuvable : installez le paquet postgresql-client.")
    url, env = _pg_target()
    flag = "--dbname=" + url
    done = subprocess.run([tool, *args, flag], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} a échoué : {done.stderr.strip()[-2000:]}")


def read_manifest(src: str | Path) -> dict:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} est introuvable : sauvegarde inachevée ou dossier erroné.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError("Format de sauvegarde inconnu.")
    return manifest


def restore_instance(src: str | Path, blob_dir: str | Path) -> Restored:
    """Bring a backup back onto an empty instance: its database (no table holding a row) and blob folder."""
    src = Path(src)
    manifest = read_manifest(src)
    database_file = src / manifest["database"]["file"]
    if file_sha256(database_file) != manifest["database"]["sha256"]:
        raise BackupError("La copie de la base ne correspond pas à son empreinte : sauvegarde abîmée.")
    _check_blobs(src, manifest)
    _check_empty()
    backend = db.engine.dialect.name
    if backend != manifest["backend"]:
        raise BackupError(f"Sauvegarde {manifest['backend']} : elle ne se restaure pas sur une base {backend}.")
    db.session.remove()
    if backend == "sqlite":
        _restore_sqlite(database_file)
    else:
        _restore_postgresql(database_file)
    for name in manifest["blobs"]:
        target = blob_path(blob_dir, name)
        if not target.exists():
            copy_atomically(blob_path(src / "blobs", name), target)
    return Restored(backend, manifest["tables"], len(manifest["blobs"]))


def _check_blobs(src: Path, manifest: dict) -> None:
    for name, facts in manifest["blobs"].items():
        path = blob_path(src / "blobs", name)
        if not path.is_file() or file_sha256(path) != facts["sha256"]:
            raise BackupError(f"Fichier {name} absent ou abîmé dans la sauvegarde.")


def _check_empty() -> None:
    inspector = sa.inspect(db.engine)
    with db.engine.connect() as conn:
        for name in inspector.get_table_names():
            if name != "alembic_version" and conn.execute(sa.text(f'SELECT 1 FROM "{name}" LIMIT 1')).first():
                raise BackupError(f"La base cible n'est pas vide (table {name}) : restaurez sur une instance neuve.")


def _restore_sqlite(database_file: Path) -> None:
    source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    raw = db.engine.raw_connection()
    try:
        source.backup(raw.driver_connection)  # replaces the target's pages, WAL and all
    finally:
        raw.close()
        source.close()
    db.engine.dispose()


def _restore_postgresql(database_file: Path) -> None:
    db.engine.dispose()
    clean = ["--clean", "--if-exists"] if sa.inspect(db.engine).get_table_names() else []
    db.engine.dispose()
    _run_pg("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            *clean, str(database_file))
