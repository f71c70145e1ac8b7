"""A small world of two utilities built by the access tests themselves: per utility a user of every role, a
customer with a contract, a dossier with its task, an order with its report, an invoice, a letter and a
technician's spare tablet; an admin of both utilities. Every user has a device token."""
from datetime import date, datetime, timezone

from server.extensions import db
from server.models import (Commune, Contract, Customer, DeliveryPoint, Device, Dossier, Invoice, Letter, Meter, Order,
                           Report, RoundProposal, Task, User)
from server.services.base.accounts import hash_password
from server.services.field.devices import hash_token

PASSWORD = "tournee2026"
UTILITIES = ("water", "electricity")
ROLES = ("agent", "chief", "technician", "controller", "cashier")
TODAY = date(2026, 12, 5)
_HASH: dict = {}


def login_of(role: str, utility: str | None) -> str:
    return f"{role}.{utility}" if utility else role


def token_of(login: str) -> str:
    return f"scope-token-{login}"


def _user(login: str, role: str, utility: str | None) -> User:
    if "pw" not in _HASH:
        _HASH["pw"] = hash_password(PASSWORD)  # Argon2 is slow: hash once per test session
    user = User(login=login, name=login.title(), role=role, utility=utility, password_hash=_HASH["pw"])
    db.session.add(user)
    db.session.flush()
    db.session.add(Device(user_id=user.id, name=f"Tablette {login}", token_hash=hash_token(token_of(login))))
    return user


def _utility_objects(utility: str, n: int, users: dict) -> dict:
    """One object of each kind a route can name, all of `utility`."""
    water = utility == "water"
    commune = Commune(code=f"S{n}", name=f"Commune {utility}", utility=utility, runs_water=water,
                      runs_electricity=not water, currency="EUR" if water else "XOF")
    db.session.add(commune)
    db.session.flush()
    point = DeliveryPoint(ref=f"SP{n}", commune_id=commune.id, address=f"{n} rue du Périmètre",
                          kind="water" if water else "elec_bt")
    customer = Customer(ref=f"SC{n}", last_name=f"Client{utility.title()}", first_name="Camille",
                        email=f"client{n}@example.org", mobile="0600000000")
    db.session.add_all([point, customer])
    db.session.flush()
    meter = Meter(serial=f"SM{n}", delivery_point_id=point.id)
    contract = Contract(number=f"SK{n}", customer_id=customer.id, delivery_point_id=point.id,
                        service="water" if water else "electricity", voltage=None if water else "BT",
                        start_on=date(2020, 1, 1))
    db.session.add_all([meter, contract])
    db.session.flush()
    dossier = Dossier(ref=f"DSI-S{n}", type="DSI", state="open", utility=utility, customer_id=customer.id,
                      contract_id=contract.id, delivery_point_id=point.id, requested_on=TODAY, planned_on=TODAY)
    db.session.add(dossier)
    db.session.flush()
    technician = users[("technician", utility)]
    task = Task(dossier_id=dossier.id, kind="dsi_analysis", title="Analyser un départ annoncé", role="agent",
                due_on=TODAY)
    order = Order(ref=f"AT-S{n}", type="READING", state="reported", dossier_id=dossier.id, delivery_point_id=point.id,
                  meter_id=meter.id, contract_id=contract.id, assignee_id=technician.id, planned_date=TODAY,
                  requester_name="Requérant Confidentiel", requester_identity=f"CNI-{n}")
    db.session.add_all([task, order])
    db.session.flush()
    report = Report(uuid=f"00000000-0000-4000-8000-00000000000{n}", order_id=order.id, technician_id=technician.id,
                    order_version=1, form_type="READING", form_version=1, device_seq=1, outcome="absent",
                    content={"outcome": "absent", "reason_code": None, "answers": {"remarks": "Personne"},
                             "attachments": [], "position": None, "device_time": "2026-12-05T09:00:00+01:00"}, content_sha256="0" * 64, state="received",
                    received_at=datetime(2026, 12, 5, 8, tzinfo=timezone.utc))
    invoice = Invoice(number=f"F-S{n}", kind="closing", state="issued", contract_id=contract.id,
                      customer_id=customer.id, dossier_id=dossier.id, total=10, issued_on=TODAY)
    letter = Letter(kind="1-70", dossier_id=dossier.id, delivery_point_id=point.id,
                    addressee="M. et Mme le Nouvel Occupant", address=point.address)
    spare = Device(user_id=technician.id, name=f"Tablette de rechange {utility}",
                   token_hash=hash_token(f"spare-{utility}"))
    proposal = RoundProposal(chief_id=users[("chief", utility)].id, day=TODAY, utility=utility, state="proposed",
                             content={"rounds": [], "unplanned": [], "km": 0, "current_km": 0}, accepted=[])
    db.session.add_all([report, invoice, letter, spare, proposal])
    db.session.flush()
    return {"customer_id": customer.id, "contract_id": contract.id, "order_id": order.id, "dossier_id": dossier.id,
            "task_id": task.id, "invoice_id": invoice.id, "report_id": report.id, "letter_id": letter.id,
            "device_id": spare.id, "user_id": technician.id, "technician_id": technician.id,
            "proposal_id": proposal.id, "commune_id": commune.id}


def build_scope_world() -> dict:
    """Insert the world (inside an app context): {"users": {login: (role, utility)}, "objects": {utility: ids}}."""
    users = {(role, utility): _user(login_of(role, utility), role, utility) for utility in UTILITIES for role in ROLES}
    _user("admin", "admin", None)
    objects = {utility: _utility_objects(utility, n, users) for n, utility in enumerate(UTILITIES, start=1)}
    db.session.commit()
    logins = {login_of(role, utility): (role, utility) for (role, utility) in users} | {"admin": ("admin", None)}
    return {"users": logins, "objects": objects}
