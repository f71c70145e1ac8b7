"""E8 (DESIGN §4.1): no terminated contract keeps a deposit that was neither refunded nor used. The back
office's list of those that do (empty when all is well): terminated, a deposit paid, and no live closing,
balance or credit-note invoice settling the contract against it. Paged by contract id (keyset)."""
from dataclasses import dataclass

from sqlalchemy import exists, select

from ...extensions import db
from ...models import Commune, Contract, DeliveryPoint, Invoice, User

SETTLING_KINDS = ("balance", "closing", "credit_note")
PAGE_SIZE = 50


@dataclass(frozen=True)
class UnsettledDeposits:
    contracts: list[Contract]
    next_after: int | None      # the id to ask the next page from, None on the last page


def settled_against_deposit():
    """A live invoice of the contract that settles it against its deposit (the deposit deducted on it)."""
    return exists().where(Invoice.contract_id == Contract.id, Invoice.kind.in_(SETTLING_KINDS),
                          Invoice.state != "cancelled")


def unsettled_deposits(user: User, *, after: int = 0, limit: int = PAGE_SIZE) -> UnsettledDeposits:
    """E8: terminated contracts of the user's utility whose deposit was neither refunded nor used, oldest
    first (index ix_contracts_state_deposit)."""
    query = (select(Contract).join(DeliveryPoint, Contract.delivery_point_id == DeliveryPoint.id)
             .join(Commune, DeliveryPoint.commune_id == Commune.id)
             .where(Contract.state == "terminated", Contract.deposit_amount > 0, Contract.id > after,
                    ~settled_against_deposit())
             .order_by(Contract.id).limit(limit + 1))
    if user.role != "admin" and user.utility:
        query = query.where(Commune.utility == user.utility)
    rows = list(db.session.scalars(query))
    return UnsettledDeposits(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)
