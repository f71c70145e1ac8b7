"""A small world of its own for the money and termination edges (issue 11): one water commune in euros,
one electricity commune in CFA francs, their tariffs, the office and field users, and helpers that add a
customer with a contract, a delivery point, a meter and its readings. Fixed dates, so every amount is
known to the cent. Built on an empty schema (the `app` fixture: SQLite and PostgreSQL)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import select

from server.extensions import db
from server.models import Commune, Contract, Customer, DeliveryPoint, Invoice, Meter, Reading, Tariff, User
from server.services.review.decisions import accept_report
from server.services.review.reports import countersign_report
from tests.review_reports import CHIEF_SIGNATURE, store_report

WATER_PRICE, WATER_SUBSCRIPTION, WATER_VAT = Decimal("2.1000"), Decimal("48.00"), Decimal("0.055")
POWER_PRICE, POWER_SUBSCRIPTION, POWER_VAT = Decimal("100.0000"), Decimal("36500.00"), Decimal("0.18")
DEPOSIT = Decimal("50000")


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


@dataclass
class World:
    water: Commune
    power: Commune
    users: dict[str, User]

    def user(self, login: str) -> User:
        return self.users[login]


def build_world() -> World:
    water = Commune(code="W0001", name="Bordeaux", utility="water", runs_water=True, runs_sewage=True,
                    travel_fee_allowed=True, travel_fee_amount=Decimal("45.00"), currency="EUR")
    power = Commune(code="E0001", name="Cotonou", utility="electricity", runs_electricity=True, currency="XOF")
    db.session.add_all([water, power])
    db.session.flush()
    db.session.add_all([
        Tariff(commune_id=water.id, service="water", valid_from=date(2020, 1, 1), unit_price=WATER_PRICE,
               subscription_per_year=WATER_SUBSCRIPTION, vat_rate=WATER_VAT),
        Tariff(commune_id=power.id, service="electricity", valid_from=date(2020, 1, 1), unit_price=POWER_PRICE,
               subscription_per_year=POWER_SUBSCRIPTION, vat_rate=POWER_VAT)])
    users = {}
    for login, role, utility in [("agent.w", "agent", "water"), ("agent.e", "agent", "electricity"),
                                 ("chef.w", "chief", "water"), ("chef.e", "chief", "electricity"),
                                 ("tech.w", "technician", "water"), ("tech.e", "technician", "electricity"),
                                 ("ctrl.e", "controller", "electricity"), ("caisse.e", "cashier", "electricity")]:
        users[login] = User(login=login, name=login.replace(".", " ").title(), role=role, utility=utility,
                            password_hash="-")
        db.session.add(users[login])
    db.session.flush()
    for tech, chief in (("tech.w", "chef.w"), ("tech.e", "chef.e")):
        users[tech].chief_id = users[chief].id
    db.session.commit()
    return World(water, power, users)


def add_contract(world: World, number: str, *, service: str = "water", readings: list[tuple[date, int, bool]],
                 start_on: date = date(2024, 1, 1), last_seen_on: date | None = None, voltage: str | None = None,
                 deposit: Decimal = Decimal(0), individual_house: bool = False) -> Contract:
    """A customer, a delivery point, its meter with (day, index, billed) readings and an active contract."""
    commune = world.power if service == "electricity" else world.water
    customer = Customer(ref=f"C-{number}", last_name=f"Client {number}", first_name="Alex",
                        email=f"{number.lower()}@example.org", mobile="0600000000", identity_document=f"CNI {number}")
    point = DeliveryPoint(ref=f"P-{number}", commune_id=commune.id, address=f"{len(number)} rue {number}",
                          kind=f"elec_{(voltage or 'BT').lower()}" if service == "electricity" else "water", lat=44.84, lon=-0.57,
                          individual_house=individual_house)
    db.session.add_all([customer, point])
    db.session.flush()
    meter = Meter(serial=f"M-{number}", delivery_point_id=point.id, dials=6, reading_mode="manual",
                  last_seen_on=last_seen_on or max(day for day, _, _ in readings))
    db.session.add(meter)
    db.session.flush()
    for day, index, billed in readings:
        db.session.add(Reading(meter_id=meter.id, read_on=day, index=index, source="agent", billed=billed))
    contract = Contract(number=number, customer_id=customer.id, delivery_point_id=point.id, service=service,
                        voltage=voltage, start_on=start_on, state="active", deposit_amount=deposit,
                        deposit_payer_name="Alex Client" if deposit else None,
                        deposit_payer_identity=f"CNI {number}" if deposit else None)
    db.session.add(contract)
    db.session.commit()
    return contract


def periodic_invoice(contract: Contract, number: str, *, issued_on: date, reading: tuple[date, int],
                     total: str, paid: bool) -> Invoice:
    """A periodic bill of the billing system, with the reading it billed."""
    invoice = Invoice(number=number, kind="periodic", state="paid" if paid else "issued", contract_id=contract.id,
                      customer_id=contract.customer_id, issued_on=issued_on, total=Decimal(total),
                      reading_date=reading[0], reading_index=reading[1], period_end=reading[0],
                      paid_on=issued_on if paid else None)
    db.session.add(invoice)
    db.session.commit()
    return invoice


def lines_of(invoice: Invoice) -> list[tuple[str, str, str]]:
    """(quantity, unit price, amount) of every line, as stored."""
    return [(line["quantity"], line["unit_price"], line["amount"]) for line in invoice.lines]


def invoices_of(contract: Contract, *kinds: str) -> list[Invoice]:
    query = select(Invoice).where(Invoice.contract_id == contract.id).order_by(Invoice.id)
    if kinds:
        query = query.where(Invoice.kind.in_(kinds))
    return list(db.session.scalars(query))


def report_accepted(world: World, order, *, outcome: str = "done", answers: dict | None = None,
                    on: datetime, device_time: datetime | None = None) -> list[str]:
    """The technician's report on `order` (received `on`, captured at `device_time` by the tablet's clock),
    countersigned by the chief and accepted by the agent."""
    chief, agent = ("chef.e", "agent.e") if order.point.commune.utility == "electricity" else ("chef.w", "agent.w")
    report = store_report(order, outcome=outcome, answers=answers, received_at=on, device_time=device_time or on)
    countersign_report(report.id, chief=world.user(chief), signature=CHIEF_SIGNATURE, now=on)
    return accept_report(report.id, user=world.user(agent), now=on)
