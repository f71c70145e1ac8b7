"""Dossiers (DSI, DEP, ASI, INF_TELE): opening, their event timeline, and the state machine of what the
procedure allows in each state (W9, W10). Illegal moves raise IllegalTransition with a French message."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...errors import DomainError, IllegalTransition, NotFound
from ...extensions import db
from ...models import Contract, Customer, DeliveryPoint, Dossier, DossierEvent, Invoice, Letter, Order, Task, User
from ..base.accounts import serves_utility
from ..base.audit import record
from ..base.counters import next_ref
from ..rules.departure_rules import cancellation_outcome, dsi_may_close, reminder_day
from .orders import cancel_order

DOSSIER_LABELS = {"DSI": "Départ client signalé", "DEP": "Départ client", "ASI": "Arrivée client signalée",
                  "INF_TELE": "Dysfonctionnement télérelève"}
STEP_LABELS = {
    "planned": "départ prévu, relance au jour 10", "reminded": "relancé, analyse au jour 30",
    "analysis": "tâche d'analyse au back office", "investigation": "enquête sur place", "confirmed": "départ confirmé",
    "intake": "prise en charge", "awaiting_photo": "photo horodatée attendue", "reading_appointment": "rendez-vous de relevé",
    "awaiting_removal": "coupure puis dépose à la date de résiliation", "awaiting_cutoff": "coupure attendue (MT)",
    "removal_ordered": "ordre de dépose émis", "no_removal": "sans dépose (MT)", "takeover": "mutation",
    "vacant": "logement vacant, courrier 1-70 au jour ouvré 10", "letter_sent": "courrier 1-70 envoyé, fermeture au jour ouvré 30",
    "closure_ordered": "fermeture CEO11 demandée", "taken_over": "repris par un nouvel abonné", "announced": "arrivée annoncée",
    "field": "information du terrain", "transfer": "mutation à réaliser", "contest": "contestation", "demo": "—"}
STATE_LABELS = {"open": "ouvert", "closed": "clos", "treated": "traité", "cancelled": "annulé"}
ANALYSIS_TASK = "dsi_analysis"
FIELD_ORDER_TYPES = ("INVESTIGATION", "CLOSURE")


def open_dossier(dossier_type: str, *, utility: str, requested_on: date, now: datetime, user: User | None,
                 message: str, customer: Customer | None = None, contract: Contract | None = None,
                 point: DeliveryPoint | None = None, planned_on: date | None = None, branch: str | None = None,
                 step: str | None = None, due_on: date | None = None, data: dict | None = None) -> Dossier:
    """A new dossier with its first event (added and flushed; the calling use case commits)."""
    point = point or (contract.point if contract else None)
    dossier = Dossier(ref=next_ref(dossier_type), type=dossier_type, branch=branch, state="open", utility=utility,
                      customer_id=(customer.id if customer else contract.customer_id if contract else None),
                      contract_id=contract.id if contract else None, delivery_point_id=point.id if point else None,
                      requested_on=requested_on, planned_on=planned_on, due_on=due_on, step=step, data=data or {})
    db.session.add(dossier)
    db.session.flush()
    add_event(dossier, "opened", message, user, now)
    record("open_dossier", "dossier", dossier.id, user=user, at=now, type=dossier_type, branch=branch)
    return dossier


def add_event(dossier: Dossier, kind: str, message: str, user: User | None, now: datetime) -> DossierEvent:
    """One line of the dossier's timeline."""
    event = DossierEvent(dossier_id=dossier.id, at=now, kind=kind, message=message, user_id=user.id if user else None)
    db.session.add(event)
    return event


def get_dossier(dossier_id: int, user: User | None = None) -> Dossier:
    """The dossier; with the acting user, only one of their utility (another utility's is "not found")."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or (user is not None and not serves_utility(user, dossier.utility)):
        raise NotFound("Dossier introuvable.")
    return dossier


def end_dossier(dossier: Dossier, state: str, message: str, *, user: User | None, now: datetime) -> None:
    """Leave the open state (closed, treated or cancelled); the timers stop."""
    if dossier.state != "open":
        raise IllegalTransition(f"Le dossier {dossier.ref} est déjà {STATE_LABELS[dossier.state]}.")
    dossier.state, dossier.closed_on, dossier.due_on = state, now.date(), None
    add_event(dossier, state, message, user, now)
    record(f"{state}_dossier", "dossier", dossier.id, user=user, at=now)


def analysis_task(dossier: Dossier) -> Task | None:
    """W8: the "Analyser départ client signalé" task of a DSI, if it was created."""
    return db.session.scalar(select(Task).where(Task.dossier_id == dossier.id, Task.kind == ANALYSIS_TASK)
                             .order_by(Task.id.desc()))


def finish_task(task: Task, outcome: str, now: datetime) -> None:
    if task.state == "open":
        task.state, task.done_at, task.outcome = "done", now, outcome


def open_task(dossier_id: int | None, kind: str, title: str, *, role: str, user: User | None, now: datetime) -> Task:
    task = Task(dossier_id=dossier_id, kind=kind, title=title[:200], role=role, due_on=now.date(), created_at=now)
    db.session.add(task)
    db.session.flush()
    record("open_task", "task", task.id, user=user, at=now, kind=kind, role=role)
    return task


def open_return_task(order: Order, now: datetime) -> None:
    """W10: an order realised in the field has a return task until the back office treats its report."""
    if order.dossier_id and not _return_task(order):
        task = open_task(order.dossier_id, "intervention_return", f"Traiter le retour d'intervention {order.ref}",
                         role="agent", user=None, now=now)
        task.outcome = order.ref  # which order's return it is (W10)


def finish_return_task(order: Order, *, now: datetime) -> None:
    """W10: the report is treated, so its return task is finished."""
    task = _return_task(order)
    if task is not None and task.state == "open":
        task.state, task.done_at = "done", now
        record("finish_task", "task", task.id, at=now, kind=task.kind)


def _return_task(order: Order) -> Task | None:
    return db.session.scalar(select(Task).where(Task.dossier_id == order.dossier_id,
                                                Task.kind == "intervention_return", Task.outcome == order.ref))


def allowed_actions(dossier: Dossier) -> list[str]:
    """The actions the procedure allows in the dossier's current state (the page shows these only)."""
    if dossier.state != "open":
        return ["reopen"] if dossier.type != "DSI" and dossier.state in ("closed", "treated") else []
    actions = {"DSI": ["confirm", "postpone", "cancel"], "DEP": ["close"], "ASI": ["close"],
               "INF_TELE": ["close"]}[dossier.type]
    if dossier.type == "DSI" and dsi_may_close(_contract_state(dossier)):
        actions.append("close")
    if dossier.type == "DEP" and dossier.step == "awaiting_photo":
        actions.append("photo_reading")
    if dossier.type == "DEP" and dossier.utility == "water" and dossier.step in ("intake", "reading_appointment",
                                                                               "awaiting_photo"):
        actions.append("appointment")
        if _point(dossier) and _point(dossier).individual_house:
            actions.append("curb_stop")
    return actions


def require_action(dossier: Dossier, action: str, label: str) -> None:
    if action not in allowed_actions(dossier):
        state = STATE_LABELS[dossier.state]
        raise IllegalTransition(f"Action « {label} » impossible : le dossier {dossier.ref} "
                                f"({DOSSIER_LABELS[dossier.type]}) est {state}"
                                f"{' à l’étape ' + dossier.step if dossier.state == 'open' and dossier.step else ''}.")


def postpone_departure(dossier_id: int, new_date: date, *, user: User, now: datetime) -> Dossier:
    """W10: the customer moves the planned date; the timeline restarts from it (a pending analysis task
    is cancelled, a new one comes 30 days after the new date)."""
    dossier = get_dossier(dossier_id, user)
    require_action(dossier, "postpone", "Décaler")
    if new_date < now.date():
        raise DomainError("La nouvelle date de départ ne peut pas être passée.",
                          {"new_date": ["Date passée."]})
    old = dossier.planned_on
    dossier.planned_on, dossier.step, dossier.due_on = new_date, "planned", reminder_day(new_date)
    task = analysis_task(dossier)
    if task is not None and task.state == "open":
        task.state, task.done_at, task.outcome = "cancelled", now, "postponed"
    add_event(dossier, "postponed", f"Départ décalé du {_fr(old)} au {_fr(new_date)} ; relances recalculées (W10).",
              user, now)
    record("postpone_dossier", "dossier", dossier.id, user=user, at=now, planned_on=new_date.isoformat())
    db.session.commit()
    return dossier


def cancel_departure(dossier_id: int, *, user: User, now: datetime) -> Dossier:
    """W10: the customer cancels; the day since the planned date decides what happens to the DSI."""
    dossier = get_dossier(dossier_id, user)
    require_action(dossier, "cancel", "Annuler le départ")
    days = (now.date() - dossier.planned_on).days if dossier.planned_on else 0
    task = analysis_task(dossier)
    orders = _field_orders(dossier)
    decision = cancellation_outcome(days, task.state if task else None, [(o.id, o.state) for o in orders])
    if decision.finish_task and task is not None:
        finish_task(task, "cancelled_by_customer", now)
    for order in orders:
        if order.id in decision.cancel_orders:
            cancel_order(order, reason="Départ annulé par le client (W10)", now=now, user=user)
        if order.id in decision.finish_return_of:
            finish_return_task(order, now=now)
    verb = {"cancelled": "annulé", "treated": "clos comme traité"}[decision.dossier_state]
    end_dossier(dossier, decision.dossier_state, f"Départ annulé par le client au jour {days} : dossier {verb} (W10).",
                user=user, now=now)
    db.session.commit()
    return dossier


def close_dossier(dossier_id: int, *, user: User, now: datetime, reason: str = "") -> Dossier:
    """Close by hand where allowed (a DSI only once the contract is terminated, W9)."""
    dossier = get_dossier(dossier_id, user)
    if dossier.type == "DSI" and dossier.state == "open" and not dsi_may_close(_contract_state(dossier)):
        raise IllegalTransition("Un dossier DSI ne se clôt que lorsque le contrat du client sortant est résilié "
                                "(W9) : confirmer le départ, le décaler ou l'annuler.")
    require_action(dossier, "close", "Clore")
    end_dossier(dossier, "closed", "Dossier clos" + (f" : {reason}" if reason else "."), user=user, now=now)
    db.session.commit()
    return dossier


def reopen_dossier(dossier_id: int, *, user: User, now: datetime) -> Dossier:
    """Reopen a closed or treated DEP, ASI or INF_TELE (a new DSI is opened rather than reopening one)."""
    dossier = get_dossier(dossier_id, user)
    if dossier.type == "DSI":
        raise IllegalTransition("Un dossier DSI ne se rouvre pas : ouvrir une nouvelle annonce de départ.")
    require_action(dossier, "reopen", "Rouvrir")
    dossier.state, dossier.closed_on = "open", None
    add_event(dossier, "reopened", "Dossier rouvert.", user, now)
    record("reopen_dossier", "dossier", dossier.id, user=user, at=now)
    db.session.commit()
    return dossier


def close_departure_dossiers(contract: Contract, *, except_id: int | None, user: User | None, now: datetime) -> list[Dossier]:
    """W9/W10: the termination closes the departing customer's open DSI (finishing its analysis task)
    and DEP dossiers; returns those closed."""
    open_ones = db.session.scalars(select(Dossier).where(
        Dossier.contract_id == contract.id, Dossier.type.in_(("DSI", "DEP")), Dossier.state == "open",
        Dossier.id != (except_id or 0)))
    closed = []
    for dossier in open_ones:
        task = analysis_task(dossier) if dossier.type == "DSI" else None
        if task is not None:
            finish_task(task, "terminated", now)
        end_dossier(dossier, "closed", f"Contrat {contract.number} résilié : dossier clos automatiquement (W9).",
                    user=user, now=now)
        closed.append(dossier)
    return closed


@dataclass
class DossierPage:
    dossier: Dossier
    customer: Customer | None
    contract: Contract | None
    point: DeliveryPoint | None
    events: list[DossierEvent]
    tasks: list[Task]
    orders: list[Order]
    actions: list[str]
    users: dict[int, str]
    invoices: list[Invoice]
    letters: list[Letter]


def dossier_page(dossier_id: int, user: User | None = None) -> DossierPage:
    """Everything the dossier page shows: timeline, tasks, orders and the allowed actions (of the user's utility)."""
    d = get_dossier(dossier_id, user)
    events = list(d.events)
    user_ids = {e.user_id for e in events if e.user_id}
    users = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    orders = list(db.session.scalars(select(Order).where(Order.dossier_id == d.id).order_by(Order.id)))
    return DossierPage(d, db.session.get(Customer, d.customer_id) if d.customer_id else None,
                       db.session.get(Contract, d.contract_id) if d.contract_id else None, _point(d),
                       events, list(d.tasks), orders, allowed_actions(d), users,
                       list(db.session.scalars(select(Invoice).where(Invoice.dossier_id == d.id).order_by(Invoice.id))),
                       list(db.session.scalars(select(Letter).where(Letter.dossier_id == d.id).order_by(Letter.id))))


def list_dossiers(*, dossier_type: str | None, state: str | None, utility: str | None, limit: int = 200) -> list[Dossier]:
    query = select(Dossier).order_by(Dossier.id.desc()).limit(limit)
    if dossier_type:
        query = query.where(Dossier.type == dossier_type)
    if state:
        query = query.where(Dossier.state == state)
    if utility:
        query = query.where(Dossier.utility == utility)
    return list(db.session.scalars(query))


def _field_orders(dossier: Dossier) -> list[Order]:
    return list(db.session.scalars(select(Order).where(Order.dossier_id == dossier.id,
                                                       Order.type.in_(FIELD_ORDER_TYPES)).order_by(Order.id)))


def _contract_state(dossier: Dossier) -> str | None:
    contract = db.session.get(Contract, dossier.contract_id) if dossier.contract_id else None
    return contract.state if contract else None


def _point(dossier: Dossier) -> DeliveryPoint | None:
    return db.session.get(DeliveryPoint, dossier.delivery_point_id) if dossier.delivery_point_id else None


def _fr(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"
