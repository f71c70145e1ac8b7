"""Data at a released schema, kept as fixtures/upgrades/<revision>-demo.json.gz: the demo data of both
utilities with synced reports (one countersigned, so a seal), every table's rows as stored at that
revision. The upgrade test loads it on that revision's schema, then migrates to the newest.

Take a new snapshot when releasing a schema (head = the revision released):
    .venv/bin/python -m tests.upgrade_snapshots
"""
import base64
import gzip
import json
import tempfile
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "upgrades"
DEMO_DAY = date(2026, 12, 5)


def encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, (bytes, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    return value


def decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), = value.items()
        if tag == "$dt":  # SQLite keeps UTC without its zone; PostgreSQL wants it said
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        if tag == "$d":
            return date.fromisoformat(text)
        if tag == "$dec":
            return Decimal(text)
        if tag == "$b64":
            return base64.b64decode(text)
    return value


def dump(connection, revision: str) -> dict:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    tables = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        columns = [c.name for c in table.columns]
        rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = {"columns": columns, "rows": [[encode(v) for v in row] for row in rows]}
    return {"revision": revision, "tables": tables}


def load(connection, snapshot: dict) -> dict:
    """Insert the rows into the reflected tables (parents first); PostgreSQL sequences moved past them.
    Returns {table: rows inserted}."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    counts = {}
    for table in metadata.sorted_tables:
        data = snapshot["tables"].get(table.name)
        if not data or not data["rows"]:
            continue
        rows = [dict(zip(data["columns"], (decode(v) for v in row))) for row in data["rows"]]
        connection.execute(table.insert(), rows)
        counts[table.name] = len(rows)
        if connection.dialect.name == "postgresql" and "id" in table.c:
            connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                       f"(SELECT max(id) FROM \"{table.name}\"))"))
    return counts


def read(revision: str) -> dict:
    return json.loads(gzip.decompress((FOLDER / f"{revision}-demo.json.gz").read_bytes()))


def released_revisions() -> list[str]:
    return sorted(p.name.split("-demo")[0] for p in FOLDER.glob("*-demo.json.gz"))


def take_snapshot() -> Path:
    from flask_migrate import upgrade

    from server import create_app
    from server.extensions import db
    from server.services.base.seeding import load_demo
    from server.services.review.reports import countersign_report
    from tests.review_reports import CHIEF_SIGNATURE, demo_order, store_report, user
    folder = Path(tempfile.mkdtemp(prefix="tournee-snapshot-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}", "INSTANCE_PATH": str(folder),
                      "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        load_demo(DEMO_DAY)
        moment = datetime(2026, 12, 5, 9, 30, tzinfo=timezone.utc)
        first = store_report(demo_order("P00000001"), received_at=moment, answers={"index": 800})
        store_report(demo_order("P00000002"), received_at=moment, answers={"index": 900})
        countersign_report(first.id, chief=user("chef.eau"), signature=CHIEF_SIGNATURE, now=moment)
        with db.engine.connect() as connection:
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
            snapshot = dump(connection, revision)
        db.engine.dispose()
    FOLDER.mkdir(parents=True, exist_ok=True)
    target = FOLDER / f"{revision}-demo.json.gz"
    target.write_bytes(gzip.compress(json.dumps(snapshot, sort_keys=True).encode(), mtime=0))
    return target


if __name__ == "__main__":
    print(take_snapshot())
