"""Finding customers and assembling their whole history for the office."""
from dataclasses import dataclass

from sqlalchemy import or_, select

from ...extensions import db
from ...models import Contract, Customer, DeliveryPoint, Dossier, Meter, Reading, User
from ..base import scope
from ..base.search import contains

SEARCH_LIMIT = 50


def search_customers(query: str, user: User) -> list[Customer]:
    """Customers of the user's utility matching a name, an address, a meter serial or a contract number."""
    text = query.strip()
    if len(text) < 2:
        return []
    by_name = select(Customer.id).where(or_(
        contains(Customer.last_name, text), contains(Customer.first_name, text), contains(Customer.ref, text)))
    by_contract = select(Contract.customer_id).join(DeliveryPoint).outerjoin(Meter).where(or_(
        contains(Contract.number, text), contains(DeliveryPoint.address, text), contains(Meter.serial, text)))
    ids = by_name.union(by_contract).subquery()
    return list(db.session.scalars(scope.visible(user, Customer).where(Customer.id.in_(select(ids)))
                                   .order_by(Customer.last_name).limit(SEARCH_LIMIT)))


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
