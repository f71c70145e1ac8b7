"""A small world of its own for the dossier-flow tests: one electricity commune with its tariff, the office and
field users of the utility, and contracts built on demand (no demo data)."""
from datetime import date, timedelta
from decimal import Decimal

from server.extensions import db
from server.models import Commune, Contract, Customer, DeliveryPoint, Meter, Reading, Tariff, User
from server.services.base.accounts import hash_password

PASSWORD = "tournee2026"
USERS = [("agent.flux", "Awa Sossa", "agent"), ("chef.flux", "Codjo Ahoyo", "chief"),
         ("tech.flux", "Rodrigue Zinsou", "technician"), ("tech.flux2", "Sènan Hounsa", "technician"),
         ("ctrl.flux", "Inès Dossa", "controller"), ("caisse.flux", "Yao Kpade", "cashier")]
_HASH = {}


def build_electricity_world(today: date) -> dict[str, User]:
    """The commune, its tariff and the users (returned by login); the technicians' chief is chef.flux."""
    if "pw" not in _HASH:
        _HASH["pw"] = hash_password(PASSWORD)
    commune = Commune(code="FLX01", name="Abomey-Flux", utility="electricity", runs_electricity=True, currency="XOF")
    db.session.add(commune)
    db.session.flush()
    db.session.add(Tariff(commune_id=commune.id, service="electricity", valid_from=today - timedelta(days=900),
                          unit_price=Decimal("110"), subscription_per_year=Decimal("12000"), vat_rate=Decimal("0.18")))
    users = {}
    for login, name, role in USERS:
        users[login] = User(login=login, name=name, role=role, utility="electricity", password_hash=_HASH["pw"])
        db.session.add(users[login])
    db.session.flush()
    for login in ("tech.flux", "tech.flux2"):
        users[login].chief_id = users["chef.flux"].id
    db.session.commit()
    return users


def electricity_contract(number: str, today: date, *, voltage: str = "BT") -> Contract:
    """An active contract with a meter read a month ago, a deposit paid by the holder."""
    commune = db.session.query(Commune).filter_by(code="FLX01").one()
    customer = Customer(ref=f"CL{number}", last_name=f"Client {number}", first_name="Koffi",
                        mobile="+22990000001", identity_document=f"CNI {number}")
    point = DeliveryPoint(ref=f"PF{number}", commune_id=commune.id, address=f"{number} rue des Flux, Abomey",
                          lat=7.18, lon=1.99, kind="elec_mt" if voltage == "MT" else "elec_bt")
    db.session.add_all([customer, point])
    db.session.flush()
    meter = Meter(serial=f"EF-{number}", delivery_point_id=point.id, dials=6, last_seen_on=today - timedelta(days=30))
    db.session.add(meter)
    db.session.flush()
    db.session.add(Reading(meter_id=meter.id, read_on=today - timedelta(days=30), index=4000, source="agent",
                           billed=True))
    contract = Contract(number=number, customer_id=customer.id, delivery_point_id=point.id, service="electricity",
                        voltage=voltage, start_on=today - timedelta(days=700), state="active",
                        deposit_amount=Decimal("15000"), deposit_payer_name="Koffi Client",
                        deposit_payer_identity=f"CNI {number}")
    db.session.add(contract)
    db.session.commit()
    return contract


def build_water_world(today: date) -> dict[str, User]:
    """A water commune (water + sewage, travel fee allowed) with its tariff, and a water agent."""
    if "pw" not in _HASH:
        _HASH["pw"] = hash_password(PASSWORD)
    commune = Commune(code="FLW01", name="Cenon-Flux", utility="water", runs_water=True, runs_sewage=True,
                      travel_fee_allowed=True, travel_fee_amount=Decimal("35"))
    db.session.add(commune)
    db.session.flush()
    db.session.add(Tariff(commune_id=commune.id, service="water", valid_from=today - timedelta(days=900),
                          unit_price=Decimal("3.5"), subscription_per_year=Decimal("60"), vat_rate=Decimal("0.055")))
    agent = User(login="agent.eauflux", name="Hélène Garnier", role="agent", utility="water", password_hash=_HASH["pw"])
    db.session.add(agent)
    db.session.commit()
    return {"agent.eauflux": agent}


def water_contract(number: str, today: date, *, email: str | None = "martine.leroux@example.fr",
                   mobile: str | None = "+33611223344") -> Contract:
    """An active water contract whose manual meter an agent read two months ago (trusted, W3)."""
    commune = db.session.query(Commune).filter_by(code="FLW01").one()
    customer = Customer(ref=f"CW{number}", last_name="Leroux", first_name="Martine", email=email, mobile=mobile)
    point = DeliveryPoint(ref=f"PW{number}", commune_id=commune.id, address=f"{number} avenue des Sources, Cenon",
                          lat=44.85, lon=-0.53, kind="water")
    db.session.add_all([customer, point])
    db.session.flush()
    meter = Meter(serial=f"WF-{number}", delivery_point_id=point.id, dials=5, last_seen_on=today - timedelta(days=60))
    db.session.add(meter)
    db.session.flush()
    for days_ago, index in ((425, 1000), (60, 1120)):
        db.session.add(Reading(meter_id=meter.id, read_on=today - timedelta(days=days_ago), index=index,
                               source="agent", billed=True))
    contract = Contract(number=number, customer_id=customer.id, delivery_point_id=point.id, service="water",
                        start_on=today - timedelta(days=800), state="active")
    db.session.add(contract)
    db.session.commit()
    return contract
