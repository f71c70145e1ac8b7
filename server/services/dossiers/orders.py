"""Intervention orders: issue, assign, reorder, cancel. Every change bumps the order's version and the
change sequence the tablets pull from, so each change reaches the field at the next sync."""
from datetime import date, datetime

from sqlalchemy import select

from ...errors import IllegalTransition, NotFound
from ...extensions import db
from ...models import DeliveryPoint, Dossier, Order, User
from ...models.orders import ORDER_TYPES
from ..base.audit import record
from ..base.counters import next_ref, next_value

OPEN_STATES = ("issued", "assigned")


def touch_order(order: Order) -> None:
    """Mark the order changed: new version for conflict checks, new change sequence for pulls.

    Lock order: the "orders" counter row is taken before the order's own row (its pending UPDATE is
    not flushed first), and it stays held to the commit. Every transaction that changes orders thus
    queues on the counter before locking any order, so two of them (overlapping pushes of one
    technician, the chief reassigning) never wait on each other in opposite orders (a deadlock on
    PostgreSQL). Holding the counter to the commit also keeps change sequences committed in order,
    which the pull's cursor relies on."""
    with db.session.no_autoflush:
        order.change_seq = next_value("orders")
    order.version = (order.version or 0) + 1


def issue_order(order_type: str, point: DeliveryPoint, *, now: datetime, dossier: Dossier | None = None,
                planned_date: date | None = None, travel_fee: bool = False, code: str | None = None,
                requester_name: str | None = None, requester_identity: str | None = None,
                instructions: str | None = None, contract_id: int | None = None,
                user: User | None = None) -> Order:
    """A new order for the field (added to the session; the calling use case commits)."""
    if order_type not in ORDER_TYPES:
        raise ValueError(f"unknown order type {order_type}")
    meter = next((m for m in point.meters if m.removed_on is None), None)
    order = Order(ref=next_ref("AT"), type=order_type, code=code, state="issued", dossier_id=dossier.id if dossier else None,
                  delivery_point_id=point.id, meter_id=meter.id if meter else None, contract_id=contract_id,
                  planned_date=planned_date or now.date(), travel_fee=travel_fee, requester_name=requester_name,
                  requester_identity=requester_identity, instructions=instructions, version=0)
    touch_order(order)
    db.session.add(order)
    db.session.flush()
    record("issue_order", "order", order.id, user=user, at=now, type=order_type, code=code)
    return order


def get_order(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound("Ordre d'intervention introuvable.")
    return order


def assign_order(order_id: int, technician_id: int | None, *, by: User, now: datetime,
                 position: int | None = None, window_start: datetime | None = None,
                 window_end: datetime | None = None) -> Order:
    """Give the order to a technician (or take it back with None); the previous one gets a tombstone."""
    order = get_order(order_id)
    if order.state not in OPEN_STATES:
        raise IllegalTransition("Cet ordre n'est plus modifiable (déjà réalisé ou annulé).")
    if technician_id is not None:
        technician = db.session.get(User, technician_id)
        if technician is None or technician.role != "technician":
            raise NotFound("Technicien introuvable.")
    if order.assignee_id != technician_id:
        order.previous_assignee_id = order.assignee_id
        order.assignee_id = technician_id
    order.state = "assigned" if technician_id else "issued"
    if position is not None:
        order.round_position = position
    if window_start is not None or window_end is not None:
        order.window_start, order.window_end = window_start, window_end
    touch_order(order)
    record("assign_order", "order", order.id, user=by, at=now, assignee_id=technician_id)
    db.session.commit()
    return order


def cancel_order(order: Order, *, reason: str, now: datetime, user: User | None = None) -> Order:
    """Cancel an open order (added to the session; the caller commits). Its tablet gets a tombstone."""
    if order.state not in OPEN_STATES:
        raise IllegalTransition("Seul un ordre non réalisé peut être annulé.")
    order.state = "cancelled"
    order.cancelled_at = now
    touch_order(order)
    record("cancel_order", "order", order.id, user=user, at=now, reason=reason)
    return order


def orders_of_dossier(dossier_id: int) -> list[Order]:
    return list(db.session.scalars(select(Order).where(Order.dossier_id == dossier_id).order_by(Order.id)))
