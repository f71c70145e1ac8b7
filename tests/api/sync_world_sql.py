"""fixtures/sync/world.json in a real database: users, premises, meters, orders, enrolled devices."""
import copy
from datetime import date, datetime, timezone

from server.extensions import db
from server.models import Commune, DeliveryPoint, Device, Meter, Order, Reading, User
from server.services.base.accounts import hash_password
from server.services.base.counters import next_value
from server.services.field.devices import hash_token
from tests.unit.sync_world import WORLD

PASSWORD = "tournee2026"
# Office users beside the world's two technicians: every role has a device token for the access matrix.
OFFICE = [(20, "chef.dupont", "Claire Dupont", "chief"), (21, "admin.roux", "Paul Roux", "admin"),
          (22, "agent.leroy", "Nina Leroy", "agent"), (23, "ctrl.blanc", "Éric Blanc", "controller"),
          (24, "caisse.noel", "Léa Noël", "cashier")]
_HASH = {}


def token_of(user_id: int) -> str:
    return f"golden-token-{user_id}"


def auth(user_id: int) -> dict:
    return {"Authorization": f"Bearer {token_of(user_id)}"}


def build_world(with_office: bool = True) -> dict:
    """Insert the world (inside an app context); returns {"users": {login: id}}."""
    if "pw" not in _HASH:
        _HASH["pw"] = hash_password(PASSWORD)  # Argon2 is slow: hash once per test session
    people = [(t["id"], t["login"], t["name"], "technician") for t in WORLD["technicians"]]
    people += OFFICE if with_office else []
    for user_id, login, name, role in people:
        db.session.add(User(id=user_id, login=login, name=name, role=role, password_hash=_HASH["pw"]))
        db.session.flush()
        db.session.add(Device(id=user_id * 10, user_id=user_id, name=f"Tablette {login}",
                              token_hash=hash_token(token_of(user_id))))
    communes = {}
    for item in copy.deepcopy(WORLD["orders"]):
        _add_order(item, communes)
    db.session.commit()
    _advance_sequences()
    return {"users": {login: uid for uid, login, _, _ in people}}


def _add_order(item: dict, communes: dict) -> None:
    wire, meter = item["order"], item["order"]["meter"]
    premises = wire["premises"]
    if premises["commune"] not in communes:
        commune = Commune(code=f"C{len(communes) + 1:04d}", name=premises["commune"], utility=wire["utility"],
                          runs_water=wire["utility"] == "water", runs_electricity=wire["utility"] == "electricity")
        db.session.add(commune)
        db.session.flush()
        communes[premises["commune"]] = commune
    point = DeliveryPoint(id=wire["id"], ref=f"PDS{wire['id']:07d}", commune_id=communes[premises["commune"]].id,
                          address=premises["address"], lat=premises["lat"], lon=premises["lon"],
                          kind=premises["kind"], individual_house=premises["individual_house"],
                          access_notes=premises["access_notes"])
    db.session.add(point)
    db.session.flush()
    db.session.add(Meter(id=wire["id"], serial=meter["serial"], delivery_point_id=point.id, dials=meter["dials"],
                         reading_mode=meter["reading_mode"]))
    db.session.flush()
    db.session.add(Reading(meter_id=wire["id"], read_on=date.fromisoformat(meter["previous_date"]),
                           index=meter["previous_index"], source="agent", billed=True))
    db.session.add(Order(
        id=wire["id"], ref=wire["ref"], type=wire["type"], code=wire["code"], state=wire["state"],
        delivery_point_id=point.id, meter_id=wire["id"], assignee_id=item["assignee_id"],
        planned_date=date.fromisoformat(wire["planned_date"]), round_position=wire["round_position"],
        window_start=_moment(wire["window_start"]), window_end=_moment(wire["window_end"]),
        travel_fee=wire["travel_fee"], requester_name=(wire["requester"] or {}).get("name"),
        instructions=wire["instructions"], version=1, change_seq=next_value("orders")))
    db.session.flush()


def _moment(value):
    return datetime.fromisoformat(value).astimezone(timezone.utc) if value else None


def _advance_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("users", "devices", "delivery_points", "meters", "orders"):
        db.session.execute(db.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}) + 1, false)"))
    db.session.commit()

