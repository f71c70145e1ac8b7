"""Loading the demo data set of both utilities and generating large data sets for benchmarks."""
import json
import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select, text

from ...config import PROJECT_ROOT
from ...extensions import db
from ...generator import CommuneSpec, IdStart, Rows, generate
from ...models import (Commune, Contract, Customer, DeliveryPoint, Dossier, Meter, Order, PointContact,
                      Reading, Tariff, User)
from .accounts import hash_password
from .countersigners import install_countersign_code
from .counters import next_ref, next_value

DEMO_DIR = PROJECT_ROOT / "fixtures" / "demo"
DEMO_PASSWORD = "tournee2026"
DEMO_COUNTERSIGN_CODE = "contresigne2026"  # the demo chiefs' code for countersigning on a tablet
DATE_FIELDS = {"read_on", "last_seen_on", "installed_on", "start_on", "end_on", "prepaid_until",
               "closed_on", "verified_on"}


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Commune)) == 0


def insert_rows(rows: Rows) -> None:
    """Bulk inserts, table by table in foreign-key order, straight through the driver: COPY on
    PostgreSQL, executemany on SQLite (the ORM would be several times slower for millions of rows)."""
    for name, batch in rows.tables():
        insert_table(name, batch)
    _advance_sequences([name for name, _ in rows.tables()])


def insert_table(name: str, batch: list[dict]) -> None:
    """Rows of one table (dicts with the same keys, explicit ids), straight through the driver; the
    ORM's Python-side defaults fill the columns they leave out."""
    if not batch:
        return
    cursor = db.session.connection().connection.cursor()
    defaults = _column_defaults(name, batch[0])
    columns = list(batch[0]) + list(defaults)
    values = [tuple(row[c] for c in batch[0]) + tuple(defaults.values()) for row in batch]
    quoted = ", ".join(f'"{c}"' for c in columns)  # "index" is a reserved word
    if db.engine.dialect.name == "postgresql":
        with cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({marks})", values)


def _column_defaults(table_name: str, sample: dict) -> dict:
    """The ORM's Python-side defaults (timestamps, flags) for the columns the rows leave out."""
    table = db.metadata.tables[table_name]
    defaults = {}
    for column in table.columns:
        if column.name in sample or column.default is None:
            continue
        arg = column.default.arg
        defaults[column.name] = arg(None) if callable(arg) else arg
    return defaults


def advance_sequences(table_names: list[str]) -> None:
    _advance_sequences(table_names)


def _advance_sequences(table_names: list[str]) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's id sequences behind; move them past max(id)."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in table_names:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))


def _shifted(rows: list[dict], shift: timedelta) -> list[dict]:
    """Demo dates are stored relative to the file's reference day and moved to today on load."""
    out = []
    for row in rows:
        row = dict(row)
        for key in DATE_FIELDS & row.keys():
            if row[key]:
                row[key] = date.fromisoformat(row[key]) + shift
        out.append(row)
    return out


def load_demo(today: date, demo_dir: Path = DEMO_DIR) -> dict:
    """Communes, tariffs, users, ~200 delivery points with history, open dossiers and orders."""
    reference = json.loads((demo_dir / "reference.json").read_text(encoding="utf-8"))
    points = json.loads((demo_dir / "points.json").read_text(encoding="utf-8"))
    shift = today - date.fromisoformat(points["reference_day"])
    for c in reference["communes"]:
        db.session.add(Commune(**c))
    db.session.flush()
    communes = {c.code: c for c in db.session.scalars(select(Commune))}
    for t in reference["tariffs"]:
        db.session.add(Tariff(commune_id=communes[t.pop("commune")].id, valid_from=today.replace(month=1, day=1),
                              **{k: Decimal(str(v)) if isinstance(v, float) else v for k, v in t.items()}))
    users = {}
    for u in reference["users"]:
        chief = users.get(u.pop("chief", None))
        u.update({k: time.fromisoformat(u[k]) for k in ("work_start", "work_end") if k in u})  # planner's hours
        user = User(password_hash=hash_password(DEMO_PASSWORD), chief_id=chief.id if chief else None, **u)
        if user.role == "chief":
            install_countersign_code(user, DEMO_COUNTERSIGN_CODE, now=datetime.combine(today, time(7), timezone.utc))
        db.session.add(user)
        db.session.flush()
        users[user.login] = user
    rows = Rows(**{name: _shifted(points[name], shift) for name, _ in Rows().tables()})
    insert_rows(rows)
    _load_scenarios(reference["scenarios"], users, today)
    db.session.commit()
    return {"users": [(u.login, u.role, u.name) for u in users.values()], "password": DEMO_PASSWORD,
            "points": len(points["delivery_points"])}


def _load_scenarios(scenarios: dict, users: dict, today: date) -> None:
    """Open dossiers and the day's orders, so every screen has something to show."""
    for o in scenarios["orders"]:
        point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == o["point"]))
        db.session.add(Order(
            ref=next_ref("AT"), type=o["type"], code=o.get("code"), state="assigned",
            delivery_point_id=point.id, meter_id=point.meters[0].id if point.meters else None,
            assignee_id=users[o["assignee"]].id, planned_date=today + timedelta(days=o.get("day", 0)),
            round_position=o["position"], travel_fee=o.get("travel_fee", False),
            requester_name=o.get("requester"), instructions=o.get("instructions"),
            change_seq=next_value("orders")))
    for d in scenarios["dossiers"]:
        point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == d["point"]))
        contract = next((c for c in _contracts_of(point.id)), None)
        planned = today + timedelta(days=d["planned_in_days"]) if "planned_in_days" in d else None
        requested = today + timedelta(days=d.get("requested_in_days", 0))
        data = {}
        if d.get("branch") == "vacant":  # W19: a vacant dwelling is a point whose last contract has ended
            contract.state, contract.end_on = "terminated", requested - timedelta(days=1)
            data, contract = {"previous_contract": contract.number}, None
        db.session.add(Dossier(
            ref=next_ref(d["type"]), type=d["type"], branch=d.get("branch"), state="open",
            utility=d["utility"], customer_id=contract.customer_id if contract else None,
            contract_id=contract.id if contract else None, delivery_point_id=point.id,
            requested_on=requested, planned_on=planned, due_on=planned, step=d.get("step"), data=data))


def _contracts_of(point_id: int):
    return db.session.scalars(select(Contract).where(Contract.delivery_point_id == point_id))


def generate_points(count: int, today: date, seed: int = 7, batch: int = 5000,
                    progress: Callable[[int], None] = lambda done: None) -> int:
    """Add `count` synthetic delivery points over the existing communes, in bulk batches."""
    communes = list(db.session.scalars(select(Commune)))
    if not communes:
        raise ValueError("Aucune commune : chargez d'abord les données de démonstration (tournee load-demo).")
    specs = [CommuneSpec(c.id, c.code, c.utility, _point_kind(c), 44.84 if c.utility == "water" else 6.37,
                         -0.58 if c.utility == "water" else 2.43, name=c.name) for c in communes]
    rng = random.Random(seed)
    done = 0
    while done < count:
        size = min(batch, count - done)
        rows = generate(rng, specs, size, today, _next_ids(), months=12)
        insert_rows(rows)
        db.session.commit()
        done += size
        progress(done)
    refresh_statistics()
    return done


def refresh_statistics(table: str | None = None) -> None:
    """ANALYZE after a bulk load (of one table, or all): the planner's statistics describe the tables as
    they now are (a pull at 1 M points ran several times slower until autovacuum got to it, issue 14)."""
    db.session.execute(text(f"ANALYZE {table}" if table else "ANALYZE"))
    db.session.commit()


def _point_kind(commune: Commune) -> str:
    if commune.utility == "electricity":
        return "elec_bt"
    return "water" if commune.runs_water else "sewage"


def _next_ids() -> IdStart:
    def after(model):
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1
    return IdStart(customer=after(Customer), point=after(DeliveryPoint), contact=after(PointContact),
                   meter=after(Meter), reading=after(Reading), contract=after(Contract))


def demo_accounts() -> dict:
    users = db.session.scalars(select(User).order_by(User.id))
    return {"users": [(u.login, u.role, u.name) for u in users], "password": DEMO_PASSWORD}
