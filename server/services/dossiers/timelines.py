"""The procedures' timers, run by `tournee tick` (and periodically by the embedded server):
W8 reminder on day 10 and analysis task on day 30 of an announced departure, W19 letter 1-70 and CLOSURE
CEO11 of a vacant dwelling on the business calendar, E10 REMOVAL on the termination date (not MT, E12).

Due dossiers are found through the (type, state, due_on) index. Each step is claimed with a conditional
UPDATE ... WHERE step = <old step> inside the transaction that does the work, so running tick twice, or
in two processes at once, never does anything twice."""
import logging
from collections import Counter
from itertools import product
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from ...extensions import db
from ...local_time import local_day
from ...models import Contract, Customer, DeliveryPoint, Dossier, Letter, Order, Task
from ..rules.calendar import BusinessCalendar, calendar_in_force
from ..rules.departure_rules import (analysis_day, meter_removed_at_termination, reminder_day, vacant_closure_day,
                              vacant_dwelling_may_proceed, vacant_letter_day)
from .communications import send_message
from .dossiers import ANALYSIS_TASK, add_event, end_dossier
from .orders import issue_order

log = logging.getLogger("tournee.tick")
TIMED_TYPES = ("DSI", "ASI", "DEP")
UTILITIES = ("water", "electricity")
OPEN_ORDER_STATES = ("issued", "assigned", "reported", "countersigned")


def tick(now: datetime, *, calendar: str | BusinessCalendar | None = None) -> dict[str, int]:
    """Do everything due at `now`; returns how many of each action were done (0 when run again). The W19
    steps count on `calendar`, by default the business calendar administered in the office (read once)."""
    done: Counter = Counter()
    calendar = calendar_in_force(calendar)
    schedule_undated(now, calendar)
    for _ in range(4):  # a late run catches up several steps of one dossier (e.g. day 10 then day 30)
        before = sum(done.values())
        for dossier_type, utility in product(TIMED_TYPES, UTILITIES):
            for dossier_id, step in due_dossiers(dossier_type, local_day(now, utility), utility):
                action = run_step(dossier_id, dossier_type, step, now, calendar)
                if action:
                    done[action] += 1
        if sum(done.values()) == before:
            break
    return dict(done)


def due_dossiers(dossier_type: str, today: date, utility: str) -> list[tuple[int, str]]:
    """Open dossiers of a type and utility whose next step is due on the utility's local calendar day `today`
    (W10: never the UTC date; index ix_dossiers_type_state_due)."""
    rows = db.session.execute(select(Dossier.id, Dossier.step).where(
        Dossier.type == dossier_type, Dossier.state == "open", Dossier.due_on <= today,
        Dossier.utility == utility).order_by(Dossier.due_on))
    return [(row.id, row.step) for row in rows]


def claim(dossier_id: int, old_step: str | None, new_step: str | None, new_due: date | None) -> bool:
    """Move the dossier to its next step only if nobody did it meanwhile (the row lock serialises)."""
    result = db.session.execute(update(Dossier).where(Dossier.id == dossier_id, Dossier.step == old_step,
                                                      Dossier.state == "open")
                                .values(step=new_step, due_on=new_due).execution_options(synchronize_session=False))
    return result.rowcount == 1


def run_step(dossier_id: int, dossier_type: str, step: str | None, now: datetime, calendar) -> str | None:
    """Claim and perform one step in its own transaction; returns the action done, None if nothing."""
    handler = STEPS.get((dossier_type, step))
    try:
        action = handler(dossier_id, step, now, calendar) if handler else unschedule(dossier_id, step)
        db.session.commit()
        return action
    except Exception:
        db.session.rollback()
        log.exception("tick: step %s of dossier %s failed", step, dossier_id)
        return None


def unschedule(dossier_id: int, step: str | None) -> None:
    """A due date on a step without timer: clear it so the scan does not see it again."""
    claim(dossier_id, step, step, None)


def _load(dossier_id: int) -> Dossier:
    return db.session.execute(select(Dossier).where(Dossier.id == dossier_id)
                              .execution_options(populate_existing=True)).scalar_one()


def remind_departure(dossier_id: int, step: str, now: datetime, calendar) -> str | None:
    """W8 day 10: reminder by e-mail (else SMS) to the departing customer who has not called back."""
    dossier = _load(dossier_id)
    if dossier.planned_on is None or local_day(now, dossier.utility) < reminder_day(dossier.planned_on):
        claim(dossier_id, step, step, reminder_day(dossier.planned_on) if dossier.planned_on else None)
        return None
    if not claim(dossier_id, step, "reminded", analysis_day(dossier.planned_on)):
        return None
    customer = db.session.get(Customer, dossier.customer_id) if dossier.customer_id else None
    channel, recipient = ("email", customer.email) if customer and customer.email else \
        ("sms", customer.mobile if customer else None)
    if recipient:
        send_message(channel=channel, recipient=recipient, dossier=dossier, now=now,
                     subject="Votre départ : pensez à résilier votre abonnement",
                     body=f"Bonjour, vous nous aviez annoncé votre départ pour le {dossier.planned_on:%d/%m/%Y}. "
                          "Merci de nous communiquer votre index de départ et votre nouvelle adresse pour "
                          "résilier votre abonnement.")
    add_event(dossier, "reminded", f"Relance {'e-mail' if channel == 'email' else 'SMS'} envoyée au client "
                                   f"(jour 10, W8)." if recipient else "Relance impossible : ni e-mail ni mobile.",
              None, now)
    return "reminders"


def open_analysis_task(dossier_id: int, step: str, now: datetime, calendar) -> str | None:
    """W8 day 30: the task "Analyser départ client signalé" goes to the back office (phone call)."""
    dossier = _load(dossier_id)
    if local_day(now, dossier.utility) < analysis_day(dossier.planned_on):
        claim(dossier_id, step, step, analysis_day(dossier.planned_on))
        return None
    if not claim(dossier_id, step, "analysis", None):
        return None
    db.session.add(Task(dossier_id=dossier.id, kind=ANALYSIS_TASK, role="agent", due_on=local_day(now, dossier.utility),
                        title=f"Analyser départ client signalé - Dossier {dossier.ref} (appeler le client)"))
    add_event(dossier, "analysis_task", "Jour 30 sans nouvelles : tâche d'analyse créée pour le back office (W8).",
              None, now)
    return "analysis_tasks"


def _vacant_step_due(dossier_id: int, step: str, due_day, now: datetime, calendar) -> tuple[Dossier | None, str | None]:
    """W19: the dossier when its working-day step is due and the dwelling is still vacant; otherwise no dossier
    and what was done instead (the step put back to its day, the dossier closed by a takeover, or held)."""
    dossier = _load(dossier_id)
    due = due_day(dossier.requested_on, calendar)
    if local_day(now, dossier.utility) < due:
        claim(dossier_id, step, step, due)
        return None, None
    if taken_over(dossier):
        return None, close_taken_over(dossier, step, now)
    occupants = contracts_in_force_on(dossier.delivery_point_id)
    if not vacant_dwelling_may_proceed(len(occupants)):
        return None, hold_while_occupied(dossier, step, occupants[0], now)
    return dossier, None


def send_vacant_letter(dossier_id: int, step: str, now: datetime, calendar) -> str | None:
    """W19 working day 10: letter 1-70 to "M. et Mme le Nouvel Occupant" at the premises, if no takeover."""
    dossier, stopped = _vacant_step_due(dossier_id, step, vacant_letter_day, now, calendar)
    if dossier is None:
        return stopped
    if not claim(dossier_id, step, "letter_sent", vacant_closure_day(dossier.requested_on, calendar)):
        return None
    point = db.session.get(DeliveryPoint, dossier.delivery_point_id)
    db.session.add(Letter(kind="1-70", dossier_id=dossier.id, delivery_point_id=point.id, created_at=now,
                          addressee="M. et Mme le Nouvel Occupant", address=f"{point.address}, {point.commune.name}"))
    add_event(dossier, "letter", "Courrier 1-70 « M. et Mme le Nouvel Occupant » émis (jour ouvré 10, W19).", None, now)
    return "letters"


def order_vacant_closure(dossier_id: int, step: str, now: datetime, calendar) -> str | None:
    """W19 working day 30: CLOSURE order code CEO11 sent to the field by itself, if no takeover."""
    dossier, stopped = _vacant_step_due(dossier_id, step, vacant_closure_day, now, calendar)
    if dossier is None:
        return stopped
    if not claim(dossier_id, step, "closure_ordered", None):
        return None
    point = db.session.get(DeliveryPoint, dossier.delivery_point_id)
    order = issue_order("CLOSURE", point, now=now, dossier=dossier, code="CEO11",
                        instructions="Branchement eau fermer client non déclaré (CEO11) : logement vacant sans "
                                     "abonnement depuis 30 jours ouvrés. Fermer au robinet avant compteur, ou à la "
                                     "bouche à clé en maison individuelle ; relever l'index si accessible.")
    add_event(dossier, "closure_order", f"Ordre de fermeture {order.ref} (CEO11) émis (jour ouvré 30, W19).", None, now)
    return "closures"


def taken_over(dossier: Dossier) -> bool:
    """W19: a new subscription on the premises since the ASI opened stops the vacant-dwelling timeline."""
    return db.session.scalar(select(Contract.id).where(
        Contract.delivery_point_id == dossier.delivery_point_id, Contract.state == "active",
        Contract.start_on >= dossier.requested_on).limit(1)) is not None


def contracts_in_force_on(point_id: int) -> list[Contract]:
    """The contracts still in force on the point (active, or in termination but not yet ended)."""
    return list(db.session.scalars(select(Contract).where(
        Contract.delivery_point_id == point_id, Contract.state.in_(("active", "terminating"))).order_by(Contract.id)))


def hold_while_occupied(dossier: Dossier, step: str, occupant: Contract, now: datetime) -> None:
    """W19 (DESIGN §4.1): no letter and no closure while a contract is in force on the point: the step waits
    and is looked at again the next day; the timeline says why, once per occupying contract."""
    if not claim(dossier.id, step, step, local_day(now, dossier.utility) + timedelta(days=1)):
        return None
    if (dossier.data or {}).get("occupied_by") != occupant.number:
        dossier.data = {**(dossier.data or {}), "occupied_by": occupant.number}
        add_event(dossier, "occupied", f"Contrat {occupant.number} ({occupant.state}) en cours sur le point : ni "
                                       "courrier 1-70 ni fermeture tant qu'un contrat y est actif (W19).", None, now)
    return None


def close_taken_over(dossier: Dossier, step: str, now: datetime) -> str | None:
    if not claim(dossier.id, step, "taken_over", None):
        return None
    end_dossier(dossier, "closed", "Abonnement souscrit par le nouvel occupant : dossier clos (W19).", user=None, now=now)
    return "taken_over"


def order_removal(dossier_id: int, step: str, now: datetime, calendar) -> str | None:
    """E10: on the termination date the REMOVAL order is issued by itself; an MT meter stays (E12)."""
    dossier = _load(dossier_id)
    contract = db.session.get(Contract, dossier.contract_id)
    if contract is None or contract.end_on is None or local_day(now, dossier.utility) < contract.end_on:
        claim(dossier_id, step, step, contract.end_on if contract else None)
        return None
    if not meter_removed_at_termination(contract.voltage):
        claim(dossier_id, step, "no_removal", None)
        return None
    if not claim(dossier_id, step, "removal_ordered", None):
        return None
    existing = db.session.scalar(select(Order.id).where(Order.delivery_point_id == contract.delivery_point_id,
                                                        Order.type == "REMOVAL", Order.state.in_(OPEN_ORDER_STATES)))
    if existing is not None:
        add_event(dossier, "removal_order", "Ordre de dépose déjà émis (E10).", None, now)
        return None
    order = issue_order("REMOVAL", contract.point, now=now, dossier=dossier, contract_id=contract.id,
                        planned_date=local_day(now, dossier.utility), requester_name=(dossier.data or {}).get("requester_name"),
                        instructions="Dépose du compteur à la date de résiliation : interrompre si ce n'est "
                                     "fait, suivre les 8 étapes de sécurité dans l'ordre, noter les remarques sur le "
                                     "point de livraison.")
    add_event(dossier, "removal_order", f"Ordre de dépose {order.ref} émis à la date de résiliation (E10).", None, now)
    return "removals"


def reschedule_working_day_steps(calendar: BusinessCalendar | None = None) -> int:
    """W19: after the business calendar changed, the open vacant-dwelling dossiers get the due date of their
    next step on it (earlier or later); the caller commits. Returns how many due dates moved."""
    calendar = calendar_in_force(calendar)
    due_of = {"vacant": vacant_letter_day, "letter_sent": vacant_closure_day}
    rows = db.session.execute(select(Dossier.id, Dossier.step, Dossier.requested_on, Dossier.due_on).where(
        Dossier.type == "ASI", Dossier.state == "open", Dossier.step.in_(tuple(due_of)))).all()
    moved = 0
    for row in rows:
        due = due_of[row.step](row.requested_on, calendar)
        if due != row.due_on:  # a step held while occupied is simply looked at again when due
            moved += claim(row.id, row.step, row.step, due)
    return moved


def schedule_undated(now: datetime, calendar: str | BusinessCalendar | None) -> None:
    """Dossiers at a timed step without a due date (e.g. loaded from elsewhere) get one."""
    rows = db.session.execute(select(Dossier.id, Dossier.type, Dossier.step, Dossier.planned_on, Dossier.requested_on)
                              .where(Dossier.type.in_(("DSI", "ASI")), Dossier.state == "open",
                                     Dossier.due_on.is_(None), Dossier.step.in_(("planned", "reminded", "vacant",
                                                                                 "letter_sent"))))
    for row in rows.all():
        due = {"planned": lambda: reminder_day(row.planned_on) if row.planned_on else None,
               "reminded": lambda: analysis_day(row.planned_on) if row.planned_on else None,
               "vacant": lambda: vacant_letter_day(row.requested_on, calendar),
               "letter_sent": lambda: vacant_closure_day(row.requested_on, calendar)}[row.step]()
        if due is not None:
            claim(row.id, row.step, row.step, due)
    db.session.commit()


STEPS = {
    ("DSI", "planned"): remind_departure,
    ("DSI", "reminded"): open_analysis_task,
    ("ASI", "vacant"): send_vacant_letter,
    ("ASI", "letter_sent"): order_vacant_closure,
    ("DEP", "awaiting_removal"): order_removal,
}
