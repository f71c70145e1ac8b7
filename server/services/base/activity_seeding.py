"""The day's activity over a generated network, for measuring scale on the pages people use: dossiers of
every type and state, the day's orders spread over the technicians, reports in every state (most of
them waiting in the review queue), inserted in bulk."""
import json
import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from ...extensions import db
from ...models import Commune, Contract, Counter, DeliveryPoint, Dossier, Meter, Order, Report, User
from ...models.dossiers import DOSSIER_STATES, DOSSIER_TYPES
from ...models.reports import REPORT_STATES
from ..rules.seals import content_sha256
from .accounts import hash_password
from .seeding import DEMO_PASSWORD, advance_sequences, insert_table, refresh_statistics

ORDER_STATES_OF_REPORT = {"awaiting_blobs": "assigned", "received": "reported", "countersigned": "countersigned",
                          "accepted": "closed", "rejected": "reported"}
# Most reports wait for the office (received / countersigned), as after a busy day.
REPORT_STATE_WEIGHTS = {"awaiting_blobs": 2, "received": 60, "countersigned": 30, "accepted": 6, "rejected": 2}
BATCH = 5000


def generate_activity(today: date, *, dossiers: int, orders_today: int, reports: int, technicians: int,
                      seed: int = 11) -> dict:
    """Adds the activity; returns how many of each were made."""
    rng = random.Random(seed)
    chiefs = {c.utility: c for c in db.session.scalars(select(User).where(User.role == "chief"))}
    team = _technicians(technicians, chiefs)
    points = _sample_points(rng, max(dossiers, orders_today, reports))
    if not points:
        raise ValueError("Aucun point de livraison : générez d'abord des points (tournee generate).")
    next_id = {name: (db.session.scalar(select(func.max(model.id))) or 0) + 1 for name, model in
               (("dossier", Dossier), ("order", Order), ("report", Report))}
    made = {"dossiers": _dossiers(rng, today, dossiers, points, next_id["dossier"])}
    seq = _reserve_change_seqs(orders_today + reports)
    made["orders_today"] = _orders(rng, today, orders_today, points, team, next_id["order"], seq, day_offsets=[0])
    first_report_order = next_id["order"] + orders_today
    made["reports"] = _reports(rng, today, reports, points, team, first_report_order, seq + orders_today,
                               next_id["report"])
    db.session.commit()
    advance_sequences(["dossiers", "orders", "reports", "users"])
    db.session.commit()
    refresh_statistics()
    return made


def _technicians(count: int, chiefs: dict) -> dict[str, list[int]]:
    """Technicians per utility: those that exist, and generated ones up to `count` in all."""
    existing = list(db.session.scalars(select(User).where(User.role == "technician")))
    password = hash_password(DEMO_PASSWORD) if count > len(existing) else None
    for i in range(len(existing), count):
        utility = ("water", "electricity")[i % 2]
        chief = chiefs.get(utility)
        user = User(login=f"tech.gen{i:04d}", name=f"Technicien {i:04d}", role="technician", utility=utility,
                    password_hash=password, chief_id=chief.id if chief else None)
        db.session.add(user)
        existing.append(user)
    db.session.flush()
    team: dict[str, list[int]] = {"water": [], "electricity": []}
    for user in existing:
        team.setdefault(user.utility or "water", []).append(user.id)
    return team


def _sample_points(rng: random.Random, count: int) -> list[tuple]:
    """(point id, meter id, contract id, customer id, utility) of `count` random points with a contract."""
    highest = db.session.scalar(select(func.max(Contract.id))) or 0
    wanted = sorted(set(rng.randint(1, highest) for _ in range(int(count * 1.2) + 10))) if highest else []
    rows = []
    for start in range(0, len(wanted), 5000):
        rows += db.session.execute(
            select(DeliveryPoint.id, func.min(Meter.id), Contract.id, Contract.customer_id, Commune.utility)
            .join(Contract, Contract.delivery_point_id == DeliveryPoint.id)
            .join(Commune, DeliveryPoint.commune_id == Commune.id)
            .outerjoin(Meter, Meter.delivery_point_id == DeliveryPoint.id)
            .where(Contract.id.in_(wanted[start:start + 5000]))
            .group_by(DeliveryPoint.id, Contract.id, Contract.customer_id, Commune.utility)).all()
    rng.shuffle(rows)
    return [tuple(r) for r in rows]


def _reserve_change_seqs(count: int) -> int:
    """The first of `count` change sequences for the new orders (the counter moves past them)."""
    counter = db.session.get(Counter, "orders")
    if counter is None:
        counter = Counter(name="orders", value=0)
        db.session.add(counter)
    first = counter.value + 1
    counter.value += count
    db.session.flush()
    return first


def _dossiers(rng, today, count, points, first_id) -> int:
    rows = []
    kinds = [(t, s) for t in DOSSIER_TYPES for s in DOSSIER_STATES]
    for i in range(count):
        kind, state = kinds[i % len(kinds)]
        point, _, contract, customer, utility = points[i % len(points)]
        requested = today - timedelta(days=rng.randint(0, 120))
        rows.append({"id": first_id + i, "ref": f"DG{first_id + i:08d}", "type": kind, "state": state,
                     "branch": "field" if kind == "ASI" else None, "utility": utility,
                     "customer_id": customer, "contract_id": contract, "delivery_point_id": point,
                     "requested_on": requested, "planned_on": requested + timedelta(days=15),
                     "due_on": requested + timedelta(days=30) if state == "open" else None,
                     "step": None, "closed_on": today if state in ("closed", "treated") else None,
                     "data": json.dumps({"generated": True})})
        if len(rows) >= BATCH:
            insert_table("dossiers", rows)
            rows = []
    insert_table("dossiers", rows)
    return count


def _order_row(order_id, point, meter, technician, planned, state, seq, position, prefix="ATG") -> dict:
    return {"id": order_id, "ref": f"{prefix}{order_id:08d}", "type": "READING", "state": state,
            "delivery_point_id": point, "meter_id": meter, "assignee_id": technician,
            "planned_date": planned, "round_position": position, "version": 1, "change_seq": seq}


def _orders(rng, today, count, points, team, first_id, first_seq, day_offsets) -> int:
    """The day's orders, spread evenly over the technicians of each point's utility; a few unassigned."""
    rows, positions, turns, given = [], {}, {}, {}
    for i in range(count):
        point, meter, _, _, utility = points[i % len(points)]
        people = team.get(utility) or []
        turn = turns[utility] = turns.get(utility, -1) + 1
        technician = None
        if people and turn % 20:  # one in twenty left for the chief to assign; the others round robin
            technician = people[given.get(utility, 0) % len(people)]
            given[utility] = given.get(utility, 0) + 1
        positions[technician] = positions.get(technician, 0) + 1
        rows.append(_order_row(first_id + i, point, meter, technician, today,
                               "assigned" if technician else "issued", first_seq + i, positions[technician]))
        if len(rows) >= BATCH:
            insert_table("orders", rows)
            rows = []
    insert_table("orders", rows)
    return count


def _reports(rng, today, count, points, team, first_order, first_seq, first_report) -> int:
    """One report each on orders of the past days, in every state (most waiting for the office)."""
    states = [s for s, w in REPORT_STATE_WEIGHTS.items() for _ in range(w)]
    assert set(states) == set(REPORT_STATES)
    orders, reports = [], []
    now = datetime.combine(today, time(7), timezone.utc)
    for i in range(count):
        point, meter, _, _, utility = points[i % len(points)]
        people = team.get(utility) or team.get("water")
        technician = people[i % len(people)]
        state = states[i % len(states)] if i >= len(REPORT_STATES) else REPORT_STATES[i]
        planned = today - timedelta(days=rng.randint(0, 20))
        order_id = first_order + i
        orders.append(_order_row(order_id, point, meter, technician, planned - timedelta(days=1),
                                 ORDER_STATES_OF_REPORT[state], first_seq + i, i % 30, prefix="ATR"))
        reports.append(_report_row(first_report + i, order_id, technician, state, now - timedelta(minutes=i % 20000),
                                   rng))
        if len(orders) >= BATCH:
            insert_table("orders", orders)
            insert_table("reports", reports)
            orders, reports = [], []
    insert_table("orders", orders)
    insert_table("reports", reports)
    return count


def _report_row(report_id, order_id, technician, state, received, rng) -> dict:
    uuid = f"00000000-0000-4000-8000-{report_id:012d}"
    content = {"uuid": uuid, "order_id": order_id, "order_version": 1, "form_type": "READING", "form_version": 1,
               "device_seq": report_id, "device_time": received.isoformat(), "outcome": "done",
               "reason_code": None, "answers": {"index": rng.randint(100, 99999)}, "attachments": [],
               "position": None, "started_at": received.isoformat(), "finished_at": received.isoformat(),
               "countersignature": None}
    digest = content_sha256(content)
    return {"id": report_id, "uuid": uuid, "order_id": order_id, "technician_id": technician, "device_id": None,
            "order_version": 1, "form_type": "READING", "form_version": 1, "device_seq": report_id,
            "device_time": received, "received_at": received, "outcome": "done", "reason_code": None,
            "content": json.dumps(content), "content_sha256": digest, "state": state, "flags": "[]",
            "conflict": None, "result": json.dumps({"status": "applied"}),
            "reviewed_by_id": None, "reviewed_at": received if state in ("accepted", "rejected") else None,
            "review_note": None}
