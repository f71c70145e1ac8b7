"""Finding customers and assembling their whole history for the office."""
from dataclasses import dataclass

from sqlalchemy import or_, select

from ...errors import NotFound
from ...extensions import db
from ...models import Contract, Customer, DeliveryPoint, Dossier, Meter, Reading

SEARCH_LIMIT = 50


def search_customers(query: str) -> list[Customer]:
    """Customers matching a name, an address, a meter serial or a contract number."""
    text = query.strip()
    if len(text) < 2:
        return []
    like = f"%{text.lower()}%"
    by_name = select(Customer.id).where(or_(
        Customer.last_name.ilike(like), Customer.first_name.ilike(like), Customer.ref.ilike(like)))
    by_contract = select(Contract.customer_id).join(DeliveryPoint).outerjoin(Meter).where(or_(
        Contract.number.ilike(like), DeliveryPoint.address.ilike(like), Meter.serial.ilike(like)))
    ids = by_name.union(by_contract).subquery()
    return list(db.session.scalars(
        select(Customer).where(Customer.id.in_(select(ids))).order_by(Customer.last_name).limit(SEARCH_LIMIT)))


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


def customer_overview(customer_id: int) -> CustomerOverview:
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Client introuvable.")
    contracts = db.session.scalars(
        select(Contract).where(Contract.customer_id == customer_id).order_by(Contract.start_on.desc()))
    views = []
    for contract in contracts:
        meters = list(contract.point.meters)
        readings = {m.id: list(db.session.scalars(
            select(Reading).where(Reading.meter_id == m.id).order_by(Reading.read_on.desc()).limit(24)))
            for m in meters}
        views.append(ContractView(contract, contract.point, meters, readings))
    dossiers = list(db.session.scalars(
        select(Dossier).where(Dossier.customer_id == customer_id).order_by(Dossier.requested_on.desc())))
    return CustomerOverview(customer, views, dossiers)
