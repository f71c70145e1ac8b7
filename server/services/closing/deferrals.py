"""W17 (DESIGN §4.1, "work in the field comes first"): a termination confirmed at intake while a field order
is planned or assigned on the same delivery point is deferred, not applied: the contract is in termination,
the DEP says what it waits for, and the termination is applied with the values the agent took once that
order's report is accepted (services.review.outcomes) or the order is cancelled with a reason
(services.field.dispatch). Adds and flushes; the caller commits."""
from datetime import date, datetime

from sqlalchemy import select

from ...extensions import db
from ...labels import LABELS
from ...models import Contract, Dossier, Order, User
from ..base.audit import record
from ..dossiers.dossiers import add_event
from ..dossiers.orders import OPEN_STATES
from .terminations import terminate_contract

DEFERRED_STEP = "closing_deferred"


def pending_field_order(point_id: int, *, except_order_id: int | None = None,
                        except_dossier_id: int | None = None) -> Order | None:
    """W17: an order planned or assigned on the delivery point (not yet done in the field)."""
    query = select(Order).where(Order.delivery_point_id == point_id, Order.state.in_(OPEN_STATES))
    if except_order_id is not None:
        query = query.where(Order.id != except_order_id)
    if except_dossier_id is not None:
        query = query.where((Order.dossier_id.is_(None)) | (Order.dossier_id != except_dossier_id))
    return db.session.scalar(query.order_by(Order.planned_date, Order.id))


def terminate_unless_field_work_pending(contract: Contract, *, dossier: Dossier, end_on: date, index: int,
                                        read_on: date, source: str, travel_fee: bool, user: User | None,
                                        now: datetime) -> bool:
    """W17: terminate now (services.terminations), or defer while an order is planned or assigned on the
    point. Returns True when terminated, False when deferred."""
    pending = pending_field_order(contract.delivery_point_id, except_dossier_id=dossier.id)
    if pending is None:
        terminate_contract(contract, end_on=end_on, index=index, read_on=read_on, source=source,
                           travel_fee=travel_fee, dossier=dossier, user=user, now=now)
        return True
    contract.state = "terminating"
    dossier.step = DEFERRED_STEP
    dossier.data = {**(dossier.data or {}), "termination_deferred": {
        "origin": "intake", "end_on": end_on.isoformat(), "index": index, "read_on": read_on.isoformat(),
        "source": source, "travel_fee": travel_fee, "waiting_for": pending.ref}}
    add_event(dossier, DEFERRED_STEP, f"Résiliation différée : l'intervention {pending.ref} "
                                      f"({LABELS['order_type'].get(pending.type, pending.type)}"
                                      f"{pending.planned_date and f', prévue le {pending.planned_date:%d/%m/%Y}' or ''}) "
                                      "est programmée sur ce point. Elle sera "
                                      f"appliquée au {end_on:%d/%m/%Y}, index {index}, quand son compte-rendu sera "
                                      "accepté ou l'ordre annulé avec un motif (W17).", user, now)
    record("defer_termination", "dossier", dossier.id, user=user, at=now, waiting_for=pending.ref)
    return False


def deferred_at_intake(point_id: int) -> list[Dossier]:
    """The open DEP dossiers of the point whose termination waits for field work (W17)."""
    return list(db.session.scalars(select(Dossier).where(
        Dossier.delivery_point_id == point_id, Dossier.type == "DEP", Dossier.state == "open",
        Dossier.step == DEFERRED_STEP).order_by(Dossier.id)))


def resume_deferred_terminations(order: Order, *, why: str, user: User | None, now: datetime) -> list[str]:
    """W17: `order` was done (report accepted) or cancelled with a reason: apply the terminations that waited
    for it, unless another order is still planned or assigned on the point. Returns the effects, in French."""
    effects = []
    for dep in deferred_at_intake(order.delivery_point_id):
        deferred = dep.data["termination_deferred"]
        still = pending_field_order(order.delivery_point_id, except_order_id=order.id, except_dossier_id=dep.id)
        if still is not None:
            dep.data = {**dep.data, "termination_deferred": {**deferred, "waiting_for": still.ref}}
            add_event(dep, "closing_still_deferred", f"Intervention {order.ref} {why} ; la résiliation attend encore "
                                                     f"l'intervention {still.ref} (W17).", user, now)
            continue
        contract = db.session.get(Contract, dep.contract_id)
        dep.data = {k: v for k, v in dep.data.items() if k != "termination_deferred"}
        dep.step = "intake"
        add_event(dep, "closing_resumed", f"Intervention {order.ref} {why} : résiliation différée appliquée (W17).",
                  user, now)
        record("resume_termination", "dossier", dep.id, user=user, at=now, after=order.ref)
        terminate_contract(contract, end_on=date.fromisoformat(deferred["end_on"]), index=deferred["index"],
                           read_on=date.fromisoformat(deferred["read_on"]), source=deferred["source"],
                           travel_fee=bool(deferred["travel_fee"]), dossier=dep, user=user, now=now)
        effects.append(f"Résiliation différée du contrat {contract.number} appliquée au "
                       f"{date.fromisoformat(deferred['end_on']):%d/%m/%Y} (dossier {dep.ref}, W17).")
    return effects
