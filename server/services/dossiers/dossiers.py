"""Dossiers (DSI, DEP, ASI, INF_TELE): opening, their event timeline, and the state machine of what the
procedure allows in each state (W9, W10). Illegal moves raise IllegalTransition with a French message."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...errors import DomainError, IllegalTransition, NotFound
from ...extensions import db
from ...labels import label
from ...local_time import local_day
from ...models import Contract, Customer, DeliveryPoint, Dossier, DossierEvent, Invoice, Letter, Order, Task, User
from ..base.accounts import serves_utility
from ..base.audit import record
from ..base.counters import next_ref
from ..base.paging import scalars_page
from ..rules.paging import FIRST_PAGE, Page, PageRequest
from ..rules.departure_rules import cancellation_outcome, dsi_may_close, reminder_day
from ..rules.dossier_closing import (ClosingCheck, closing_check, contract_state_after_abandoned_termination,
                                     electricity_termination_done)
from .deadlines import deadlines_of, overdue_on
from .orders import OPEN_STATES, cancel_order

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
    "field": "information du terrain", "transfer": "mutation à réaliser", "contest": "contestation", "demo": "—",
    "removal_control": "dépose à contrôler (contrôle fiabilité factures)", "removed": "compteur déposé",
    "transferred": "mutation réalisée",
    "closing_deferred": "résiliation différée : intervention en cours sur le point"}
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
    if dossier.type == "ASI" and dossier.step == "transfer":
        actions.append("transfer")  # W11: the transfer screen
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
    if new_date < local_day(now, dossier.utility):
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
    days = (local_day(now, dossier.utility) - dossier.planned_on).days if dossier.planned_on else 0
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


def close_dossier(dossier_id: int, *, user: User, now: datetime, reason: str = "",
                 cancel_open_work: bool = False) -> Dossier:
    """Close by hand where allowed (a DSI only once the contract is terminated, W9). W17: while orders are
    open or the contract is still in termination, only with `cancel_open_work` and a reason (the
    confirmation page): the orders are cancelled and the termination abandoned (or ended as billed)."""
    dossier = get_dossier(dossier_id, user)
    if dossier.type == "DSI" and dossier.state == "open" and not dsi_may_close(_contract_state(dossier)):
        raise IllegalTransition("Un dossier DSI ne se clôt que lorsque le contrat du client sortant est résilié "
                                "(W9) : confirmer le départ, le décaler ou l'annuler.")
    require_action(dossier, "close", "Clore")
    check = closing_check_of(dossier)
    if not check.possible:
        refs = ", ".join(db.session.get(Order, oid).ref for oid in check.reports_to_decide)
        raise IllegalTransition(f"Le dossier {dossier.ref} ne peut pas être clos : le compte-rendu de l'ordre {refs} "
                                "est revenu du terrain ; l'accepter ou le rejeter d'abord (W17).")
    if check.needs_confirmation and not cancel_open_work:
        raise IllegalTransition(f"Le dossier {dossier.ref} ne peut pas être clos tant que des interventions sont en "
                                "cours ou que le contrat est en résiliation : confirmer leur annulation, avec un "
                                "motif (W17).")
    if check.needs_confirmation:
        if not reason.strip():
            raise DomainError("Le motif de l'annulation est obligatoire.", {"reason": ["Motif requis."]})
        cancel_open_work_of(dossier, check, reason=reason.strip(), user=user, now=now)
    end_dossier(dossier, "closed", "Dossier clos" + (f" : {reason.strip()}" if reason.strip() else "."), user=user, now=now)
    db.session.commit()
    return dossier


def closing_check_of(dossier: Dossier) -> ClosingCheck:
    """W17: the dossier's open orders and its contract's termination, as the closing rule sees them."""
    return closing_check([(o.id, o.state) for o in _orders_of(dossier)], _contract_state(dossier))


def cancel_open_work_of(dossier: Dossier, check: ClosingCheck, *, reason: str, user: User, now: datetime) -> None:
    """W17: cancel the dossier's open orders (their tablets drop them at the next sync) and settle the
    contract's termination: abandoned (contract active again) or, once billed, ended as billed."""
    for order_id in check.orders_to_cancel:
        order = db.session.get(Order, order_id)
        cancel_order(order, reason=f"Dossier {dossier.ref} clos : {reason}", now=now, user=user)
        add_event(dossier, "order_cancelled", f"Ordre {order.ref} ({order.label}) annulé : {reason} (W17).", user, now)
    if check.termination_to_settle:
        contract = db.session.get(Contract, dossier.contract_id)
        contract.state = contract_state_after_abandoned_termination(termination_billed(contract))
        if contract.state == "active":
            contract.end_on = None
            add_event(dossier, "termination_abandoned", f"Résiliation du contrat {contract.number} abandonnée : "
                                                        f"le contrat reste actif et facturé ({reason}).", user, now)
        else:
            contract.fully_terminated_on = contract.fully_terminated_on or now.date()
            add_event(dossier, "termination_ended", f"Contrat {contract.number} résilié tel que facturé, sans "
                                                    f"l'intervention annulée ({reason}).", user, now)
        record("settle_termination_on_closing", "contract", contract.id, user=user, at=now, state=contract.state,
               reason=reason)


def termination_billed(contract: Contract) -> bool:
    """Whether the termination already has its closing or balance invoice (not cancelled)."""
    return db.session.scalar(select(Invoice.id).where(
        Invoice.contract_id == contract.id, Invoice.kind.in_(("closing", "balance")),
        Invoice.state != "cancelled").limit(1)) is not None


def close_when_done(dossier: Dossier | None, *, user: User | None, now: datetime) -> bool:
    """§4.1: an electricity termination ends by itself when its last step is done (removal controlled, or the
    MT closure); its step follows. The caller commits. Returns whether it was closed now."""
    if dossier is None or dossier.type != "DEP" or dossier.utility != "electricity" or dossier.state != "open":
        return False
    refresh_electricity_step(dossier)
    open_orders = sum(1 for o in _orders_of(dossier) if o.state not in ("closed", "cancelled"))
    open_tasks = len(_open_tasks(dossier))
    if not electricity_termination_done(_contract_state(dossier), open_orders, open_tasks):
        return False
    end_dossier(dossier, "closed", "Résiliation terminée : dossier clos automatiquement (E11, E12).", user=user, now=now)
    return True


def refresh_electricity_step(dossier: Dossier) -> None:
    """The step of an electricity DEP follows what was done (the timer of the removal date is kept)."""
    orders = _orders_of(dossier)
    removal = next((o for o in reversed(orders) if o.type == "REMOVAL" and o.state != "cancelled"), None)
    contract_state = _contract_state(dossier)
    if removal is not None and removal.state == "closed":
        step = "removal_control" if _open_tasks(dossier) else "removed"
    elif removal is not None:
        step = "removal_ordered"
    elif contract_state == "terminated":
        step = "no_removal"
    else:
        return  # awaiting the cut-off, or the removal date (a timer step): left as it is
    if dossier.step != step:
        dossier.step, dossier.due_on = step, None


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
    remaining: list[str]        # what remains to be done, in French (§4.1: every dossier page shows it)
    closing: ClosingCheck       # what closing it would cancel (W17)
    deadline: tuple[date | None, str] | None = None  # an open dossier's due day on its timeline, and what is due


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
                       list(db.session.scalars(select(Letter).where(Letter.dossier_id == d.id).order_by(Letter.id))),
                       remaining_work(d), closing_check_of(d), deadlines_of([d])[d.id] if d.state == "open" else None)


ORDER_AWAITS = {"issued": "à affecter à un technicien", "assigned": "compte-rendu attendu du terrain",
                "reported": "compte-rendu à contresigner par le chef de section",
                "countersigned": "compte-rendu à accepter ou rejeter au back office"}
INVOICE_AWAITS = {"draft": "à contrôler (contrôle fiabilité factures)", "checked": "à émettre après contrôle",
                  "issued": "à régler"}


def remaining_work(dossier: Dossier) -> list[str]:
    """§4.1: what remains to be done on the dossier, in French, one line each (empty when closed)."""
    if dossier.state != "open":
        return []
    lines = []
    for order in _orders_of(dossier):
        if order.state in ORDER_AWAITS:
            holder = db.session.get(User, order.assignee_id).name if order.assignee_id else None
            lines.append(f"Ordre {order.ref} ({order.label}){' — ' + holder if holder else ''} : "
                         f"{ORDER_AWAITS[order.state]}.")
        if order.requester_name and not order.requester_signed and order.state in OPEN_STATES:
            lines.append(f"Signature du demandeur {order.requester_name} sur l'ordre {order.ref} à recueillir "
                         "(ordre imprimé rapporté signé, ou à l'écran du guichet, E2).")
    for task in _open_tasks(dossier):
        lines.append(f"Tâche « {task.title} » ({label(task.role, 'role')}).")
    for invoice in db.session.scalars(select(Invoice).where(Invoice.dossier_id == dossier.id,
                                                            Invoice.state.in_(tuple(INVOICE_AWAITS)))
                                      .order_by(Invoice.id)):
        if invoice.state != "issued" or invoice.total:
            lines.append(f"Facture {invoice.number} ({label(invoice.kind, 'invoice_kind')}) : "
                         f"{INVOICE_AWAITS[invoice.state]}.")
    contract = db.session.get(Contract, dossier.contract_id) if dossier.contract_id else None
    if contract is not None and contract.state == "terminating":
        lines.append(f"Contrat {contract.number} en résiliation"
                     f"{' au ' + _fr(contract.end_on) if contract.end_on else ''} : résiliation à mener à son terme.")
    if dossier.due_on and dossier.step:
        lines.append(f"Prochaine étape le {_fr(dossier.due_on)} : {STEP_LABELS.get(dossier.step, dossier.step)}.")
    if dossier.type == "DSI" and not dsi_may_close(_contract_state(dossier)):
        lines.append("Départ à confirmer, décaler ou annuler avec le client (W9, W10).")
    return lines


def closing_plan(page: DossierPage) -> list[str]:
    """W17: what confirming the closing will do, in French, one line each (the confirmation page says it)."""
    check = page.closing
    lines = []
    for order in page.orders:
        if order.id in check.orders_to_cancel:
            holder = db.session.get(User, order.assignee_id).name if order.assignee_id else None
            lines.append(f"L'ordre {order.ref} ({order.label}) sera annulé"
                         + (f" et retiré de la tablette de {holder} à sa prochaine synchronisation." if holder else "."))
    if check.termination_to_settle and page.contract is not None:
        if contract_state_after_abandoned_termination(termination_billed(page.contract)) == "active":
            lines.append(f"La résiliation du contrat {page.contract.number} sera abandonnée : le contrat reste actif "
                         "et continue d'être facturé.")
        else:
            lines.append(f"Le contrat {page.contract.number} sera résilié tel que déjà facturé, sans l'intervention "
                         "annulée.")
    lines.append(f"Le dossier {page.dossier.ref} sera clos ; le motif est inscrit à son historique.")
    return lines


def list_dossiers(*, dossier_type: str | None, state: str | None, utility: str | None,
                  page: PageRequest = FIRST_PAGE, late_on: date | None = None) -> Page[Dossier]:
    """Dossiers matching the filters, the latest first, one page of them; with `late_on`, those late on their
    timeline that day, the oldest request first (the work queue's list)."""
    query = select(Dossier).order_by(Dossier.id.desc()) if late_on is None else \
        select(Dossier).where(overdue_on(late_on)).order_by(Dossier.requested_on, Dossier.id)
    if dossier_type:
        query = query.where(Dossier.type == dossier_type)
    if state:
        query = query.where(Dossier.state == state)
    if utility:
        query = query.where(Dossier.utility == utility)
    return scalars_page(query, page)


def _orders_of(dossier: Dossier) -> list[Order]:
    """The dossier's orders and, for a departure, the open orders on its contract issued elsewhere."""
    where = Order.dossier_id == dossier.id
    if dossier.type in ("DEP", "DSI") and dossier.contract_id:
        where = where | ((Order.contract_id == dossier.contract_id) & Order.state.in_(OPEN_STATES))
    return list(db.session.scalars(select(Order).where(where).order_by(Order.id)))


def _open_tasks(dossier: Dossier) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.dossier_id == dossier.id, Task.state == "open")
                                   .order_by(Task.id)))


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
