"""Finding customers and assembling their whole history for the office."""
from dataclasses import dataclass

from sqlalchemy import select

from ...extensions import db
from ...models import Contract, Customer, DeliveryPoint, Dossier, Meter, Reading, User
from ..base import scope
from ..base.text_search import escape_like, name_lookup, starts_with

SEARCH_LIMIT = 50
BRANCH_LIMIT = 200  # ids taken from each indexed lookup before the final sort


def _address_lookup(text: str):
    """Addresses are searched by any part ("rue des Tilleuls"): trigram index on PostgreSQL, a bounded
    scan of the one table on SQLite."""
    return DeliveryPoint.address.ilike("%" + escape_like(text) + "%", escape="\\")


def may_be_a_name(text: str) -> bool:
    """A name holds no digit: a text with one is a code or an address, and the trigram lookups of the
    names (the costliest, growing with the customers) are spared."""
    return not any(c.isdigit() for c in text)


def may_be_an_address(text: str) -> bool:
    """An address is words ("rue des Tilleuls", "12 rue"); a single word with a digit in it is a code
    (reference, serial, contract number)."""
    return " " in text or may_be_a_name(text)


def search_customers(query: str, user: User) -> list[Customer]:
    """Customers of the user's utility matching a name, an address, a customer reference, a meter serial or a contract number.

    Each criterion is its own indexed lookup on one table, limited, then the customer ids are united:
    no OR across a join (that forced full scans of four tables). References, serials and contract
    numbers are typed from their start: prefix (or exact) matches. Names and addresses are looked up only
    when the text may be one (may_be_a_name, may_be_an_address)."""
    text = " ".join(query.split())
    if len(text) < 2:
        return []
    code = text.upper().replace(" ", "")
    lookups = [
        select(Customer.id).where(starts_with(Customer.ref, code)).limit(BRANCH_LIMIT),
        select(Contract.customer_id).where(starts_with(Contract.number, code)).limit(BRANCH_LIMIT),
        select(Contract.customer_id).where(Contract.delivery_point_id.in_(
            select(Meter.delivery_point_id).where(starts_with(Meter.serial, code)).limit(BRANCH_LIMIT))),
    ]
    if may_be_a_name(text):
        lookups += [select(Customer.id).where(name_lookup(Customer.last_name, text)).limit(BRANCH_LIMIT),
                    select(Customer.id).where(name_lookup(Customer.first_name, text)).limit(BRANCH_LIMIT)]
    if may_be_an_address(text):
        lookups.append(select(Contract.customer_id).where(Contract.delivery_point_id.in_(
            select(DeliveryPoint.id).where(_address_lookup(text)).limit(BRANCH_LIMIT))))
    ids: set[int] = set()
    for lookup in lookups:
        ids.update(db.session.scalars(lookup))
    if not ids:
        return []
    return list(db.session.scalars(scope.visible(user, Customer).where(Customer.id.in_(ids))
                                   .order_by(Customer.last_name, Customer.id).limit(SEARCH_LIMIT)))


@dataclass
class ContractView:
    contract: Contract
    point: DeliveryPoint
    meters: list[Meter]
    readings: dict[int, list[Reading]]


@dataclass
class CustomerOverview:
    customer: Customer
    contracts: list[ContractView]
    dossiers: list[Dossier]


def customer_overview(customer_id: int, user: User) -> CustomerOverview:
    """The customer's history in the user's utility (contracts, readings, dossiers)."""
    customer = scope.fetch(user, Customer, customer_id)
    contracts = db.session.scalars(
        scope.visible(user, Contract).where(Contract.customer_id == customer_id).order_by(Contract.start_on.desc()))
    views = []
    for contract in contracts:
        meters = list(contract.point.meters)
        readings = {m.id: list(db.session.scalars(
            select(Reading).where(Reading.meter_id == m.id).order_by(Reading.read_on.desc()).limit(24)))
            for m in meters}
        views.append(ContractView(contract, contract.point, meters, readings))
    dossiers = list(db.session.scalars(
        scope.visible(user, Dossier).where(Dossier.customer_id == customer_id).order_by(Dossier.requested_on.desc())))
    return CustomerOverview(customer, views, dossiers)
