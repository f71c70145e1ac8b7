"""What an accepted field report changes (DESIGN.md §4): one function per rule, named after what it
decides. Called by services.decisions.accept_report inside its transaction (it commits)."""
from datetime import date, datetime

from forms import get_definition
from sqlalchemy import select

from ...extensions import db
from ...models import Contract, Customer, Dossier, Order, Reading, Report, User
from ..base.audit import record
from ...local_time import local_day
from ..closing import closings
from ..closing.deferrals import deferred_at_intake, resume_deferred_terminations
from ..rules.departure_rules import field_end_date, meter_removed_at_termination, removal_due
from ..dossiers.dossiers import add_event, open_dossier, open_task
from ..closing.terminations import open_arrival
from ..intake.water_departures import WaterDeparture, successor_of
from ..dossiers.orders import issue_order

FIELD_VISITS = ("READING", "CLOSURE", "INVESTIGATION", "CUTOFF")
OPEN_ORDER_STATES = ("issued", "assigned", "reported", "countersigned")


def answer(content: dict, *ids: str):
    """The first answer among candidate field ids (forms may name a field slightly differently)."""
    answers = content.get("answers") or {}
    return next((answers[i] for i in ids if i in answers), None)


def field_day(report: Report, content: dict, utility: str | None = None) -> date:
    """The day of the visit on the utility's local calendar: the device's finishing time when given, never
    after the server's receipt day (W2: a fast device clock is flagged on the report, not believed)."""
    received_on = local_day(report.received_at, utility)
    text = content.get("finished_at") or content.get("device_time")
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return received_on
    device_day = local_day(moment, utility) if moment.tzinfo else moment.date()
    return field_end_date(device_day=device_day, received_on=received_on)


def apply_report_outcome(report: Report, order: Order, content: dict, *, user: User, now: datetime) -> list[str]:
    """Dispatch on the order type; returns the effects, in French, for the page and the audit trail. Whatever
    the outcome, the order is no longer planned on the point: a termination deferred at intake applies (W17)."""
    effects = report_effects(report, order, content, user=user, now=now)
    return effects + resume_deferred_terminations(order, why="dont le compte-rendu est accepté", user=user, now=now)


def report_effects(report: Report, order: Order, content: dict, *, user: User, now: datetime) -> list[str]:
    day = field_day(report, content, order.point.commune.utility)
    if order.type == "INVESTIGATION" and content.get("outcome") == "absent":
        return close_after_empty_investigation(order, content, day=day, user=user, now=now)
    if content.get("outcome") != "done":
        return not_done_outcome(report, order, content, user=user, now=now)
    index = answer(content, "index", "final_index", "cutoff_index")
    effects = [record_field_reading(order, index, day, content, now)] if isinstance(index, int) else []
    rule = {"READING": reading_rules, "CUTOFF": cutoff_rules, "REMOVAL": removal_rules,
            "CLOSURE": closure_rules, "INVESTIGATION": investigation_rules}[order.type]
    effects += rule(report, order, content, day=day, index=index, user=user, now=now)
    return effects + resume_deferred_closing(order, index=index, day=day, user=user, now=now)


def resume_deferred_closing(order: Order, *, index: int | None, day: date, user: User, now: datetime) -> list[str]:
    """W17: the field visit the closing waited for is done: terminate now, at the latest field index."""
    dep = dossier_of(order, "DEP")
    deferred = (dep.data or {}).get("closing_deferred") if dep is not None and dep.state == "open" else None
    contract = contract_of(order)
    if not deferred or contract is None or contract.state == "terminated" or closing_deferred_by_field_visit(order):
        return []
    dep.data = {k: v for k, v in dep.data.items() if k != "closing_deferred"}
    if not isinstance(index, int):
        index, day = deferred["index"], date.fromisoformat(deferred["read_on"])
    add_event(dep, "closing_resumed", f"Intervention {order.ref} réalisée : arrêt de compte repris (W17).", user, now)
    return closings.terminate_on_field_reading(contract, index=index, read_on=day, user=user, now=now,
                                               travel_fee=bool(deferred.get("travel_fee")), dossier=dep)


def record_field_reading(order: Order, index: int, day: date, content: dict, now: datetime) -> str:
    """The agent's index goes to the readings warehouse with its photo; the meter was seen today (W3)."""
    photos = [a["sha256"] for a in content.get("attachments") or [] if a.get("kind") == "photo"]
    db.session.add(Reading(meter_id=order.meter_id, read_on=day, index=index, source="agent",
                           photo_sha256=photos[0] if photos else None, created_at=now))
    record("record_reading", "meter", order.meter_id, at=now, index=index, read_on=day.isoformat(), order=order.ref)
    if order.meter is not None:
        order.meter.last_seen_on = day
    return f"Index {index} du {day.strftime('%d/%m/%Y')} enregistré (source agent)."


def not_done_outcome(report: Report, order: Order, content: dict, *, user: User, now: datetime) -> list[str]:
    """W12: no access or absent → an appointment to take; refused or anomaly → the back office decides."""
    dossier = dossier_of(order)
    kind, title = {"no_access": ("appointment", "Prendre rendez-vous : compteur inaccessible (W12)"),
                   "absent": ("appointment", "Prendre rendez-vous : client absent (W12)")}.get(
        content.get("outcome"), ("field_anomaly", f"Analyser le compte-rendu {order.ref} : {content.get('outcome')}"))
    open_task(dossier.id if dossier else None, kind, title, role="agent", user=user, now=now)
    return [title]


def dossier_of(order: Order, dossier_type: str | None = None) -> Dossier | None:
    """The order's dossier, else the open dossier of that type on the same delivery point."""
    if order.dossier_id:
        dossier = db.session.get(Dossier, order.dossier_id)
        if dossier_type is None or dossier.type == dossier_type:
            return dossier
    if dossier_type is None:
        return None
    return db.session.scalar(select(Dossier).where(Dossier.delivery_point_id == order.delivery_point_id,
                                                   Dossier.type == dossier_type, Dossier.state == "open")
                             .order_by(Dossier.id.desc()))


def contract_of(order: Order) -> Contract | None:
    if order.contract_id:
        return db.session.get(Contract, order.contract_id)
    return db.session.scalar(select(Contract).where(Contract.delivery_point_id == order.delivery_point_id,
                                                    Contract.state.in_(("active", "terminating")))
                             .order_by(Contract.start_on.desc()))


def closing_deferred_by_field_visit(order: Order) -> Order | None:
    """W17: while another field visit is planned on the premises, the closing waits for it."""
    return db.session.scalar(select(Order).where(
        Order.delivery_point_id == order.delivery_point_id, Order.id != order.id,
        Order.type.in_(FIELD_VISITS), Order.state.in_(OPEN_ORDER_STATES)).order_by(Order.id))


def reading_rules(report, order, content, *, day, index, user, now) -> list[str]:
    """Water: W14/W15 terminate on the reading; electricity anticipated termination: E7/E8 balance.
    A reading outside any departure (no departure dossier, contract not terminating) only feeds the warehouse."""
    contract = contract_of(order)
    if contract is None or index is None:
        return []
    departing = contract.state == "terminating" or dossier_of(order, "DEP") or dossier_of(order, "DSI")
    if not departing:
        return ["Aucune résiliation en cours : index versé à l'historique du compteur."]
    if deferred_at_intake(order.delivery_point_id):  # W17: the termination taken at intake applies its own index
        return []
    if order.point.commune.utility == "electricity":  # E5 anticipated termination: the reading at the cut-off date
        effects = closings.issue_balance(contract, index=index, read_on=day, user=user, now=now,
                                         dossier=dossier_of(order, "DEP"))
        if not meter_removed_at_termination(contract.voltage):  # E12: an MT contract ends at its last reading
            return effects + closings.free_delivery_point(contract, day=day, remove_meter=False, user=user, now=now)
        return effects + issue_removal_order_when_due(order, contract, user=user, now=now)
    return close_departure_on_reading(order, contract, index=index, day=day, user=user, now=now)


def close_departure_on_reading(order, contract, *, index, day, user, now) -> list[str]:
    """W14/W15 (and W17 deferral): terminate with the fee, close the DEP, open the ASI."""
    dep = dossier_of(order, "DEP") or dossier_of(order, "DSI")
    pending = closing_deferred_by_field_visit(order)
    if pending is not None:
        if dep is not None:
            dep.data = {**(dep.data or {}), "closing_deferred": {"index": index, "read_on": day.isoformat(),
                                                                 "travel_fee": order.travel_fee, "waiting_for": pending.ref}}
            add_event(dep, "closing_deferred", f"Arrêt de compte différé : intervention {pending.ref} programmée (W17).", user, now)
            record("defer_closing", "dossier", dep.id, user=user, at=now, waiting_for=pending.ref)
        return [f"Arrêt de compte différé tant que l'intervention {pending.ref} est programmée (W17)."]
    return closings.terminate_on_field_reading(contract, index=index, read_on=day, travel_fee=order.travel_fee,
                                               dossier=dep, user=user, now=now)


def cutoff_rules(report, order, content, *, day, index, user, now) -> list[str]:
    """E7/E8: the countersigned cut-off gives the balance invoice; an MT contract ends here (E12)."""
    contract = contract_of(order)
    if contract is None or index is None:
        return []
    effects = closings.issue_balance(contract, index=index, read_on=day, user=user, now=now,
                                     dossier=dossier_of(order, "DEP"))
    if not meter_removed_at_termination(contract.voltage):  # E12
        return effects + closings.free_delivery_point(contract, day=day, remove_meter=False, user=user, now=now)
    return effects + issue_removal_order_when_due(order, contract, user=user, now=now)


def issue_removal_order_when_due(order: Order, contract: Contract, *, user: User, now: datetime) -> list[str]:
    """E10: once the cut-off is accepted on or after the termination date, the removal order is issued
    at once rather than at the next tick (services.timelines skips a point that already has one)."""
    if not removal_due(contract.voltage, contract.end_on, now.date()):
        return []
    existing = db.session.scalar(select(Order).where(
        Order.delivery_point_id == contract.delivery_point_id, Order.type == "REMOVAL",
        Order.state.in_(OPEN_ORDER_STATES)))
    if existing is not None:
        return []
    removal = issue_order("REMOVAL", contract.point, now=now, dossier=dossier_of(order), contract_id=contract.id,
                          user=user, requester_name=order.requester_name,
                          instructions="Dépose du compteur après coupure : suivre les étapes de sécurité dans l'ordre.")
    dep = dossier_of(order, "DEP")
    if dep is not None:
        add_event(dep, "removal_order", f"Ordre de dépose {removal.ref} émis (E10).", user, now)
    return [f"Ordre de dépose {removal.ref} émis (E10)."]


def removal_rules(report, order, content, *, day, index, user, now) -> list[str]:
    """E11: the removal report goes to invoice-reliability control; contract fully terminated, point freed."""
    remarks = " — ".join(str(r) for r in (premises_remark_label(content), answer(content, "remarks")) if r)
    open_task(order.dossier_id, "removal_control", f"Contrôler le compte-rendu de dépose {order.ref}"
              + (f" — {remarks}" if remarks else ""), role="controller", user=user, now=now)
    effects = ["Compte-rendu de dépose transmis au contrôle fiabilité factures (E11)."]
    contract = contract_of(order)
    if contract is not None and isinstance(index, int) and closings.balance_missing(contract):
        effects += closings.issue_balance(contract, index=index, read_on=day, user=user, now=now,
                                          dossier=dossier_of(order, "DEP"), why="la coupure n'a pas eu lieu")
    if contract is not None and meter_removed_at_termination(contract.voltage):  # E12: an MT meter is not removed
        effects += closings.free_delivery_point(contract, day=day, remove_meter=True, user=user, now=now)
    return effects


def premises_remark_label(content: dict) -> str | None:
    """E11: the remark chosen on the removal form, in words (none when "RAS")."""
    value = answer(content, "premises_remarks")
    if value in (None, "none"):
        return None
    field = next((f for f in get_definition("REMOVAL").get("fields", []) if f["id"] == "premises_remarks"), {})
    return next((o["label"] for o in field.get("options", []) if o["value"] == value), str(value))


def closure_rules(report, order, content, *, day, index, user, now) -> list[str]:
    """W16: a branch reported closed updates the delivery point's state and closure date."""
    if answer(content, "branch_closed", "closed") is False:
        return ["Branchement non fermé d'après le compte-rendu."]
    effects = mark_branch_closed(order, day=day, user=user, now=now)
    arrival = dossier_of(order, "ASI")
    if arrival is not None:  # W19: the vacant dwelling's closure (CEO11) is written in its arrival dossier
        add_event(arrival, "branch_closed", f"Branchement fermé le {day:%d/%m/%Y} (ordre {order.ref}"
                                            f"{', ' + order.code if order.code else ''}).", user, now)
        effects.append(f"Fermeture notée au dossier {arrival.ref}.")
    return effects


def mark_branch_closed(order: Order, *, day: date, user: User, now: datetime) -> list[str]:
    """W16 (with W13: the alerts of the meter are switched off)."""
    point = order.point
    point.state, point.closed_on = "closed", day
    if order.meter is not None:
        order.meter.leak_alert = order.meter.consumption_alert = False
    record("close_branch", "delivery_point", point.id, user=user, at=now, closed_on=day.isoformat(), order=order.ref)
    return [f"Point de livraison {point.ref} fermé le {day.strftime('%d/%m/%Y')} (W16)."]


def investigation_rules(report, order, content, *, day, index, user, now) -> list[str]:
    """W8: nobody → closed on the spot or a CLOSURE order; a new occupant → prospect and ASI (field)."""
    found = answer(content, "found", "who_found", "occupant")
    if found == "nobody":
        return close_after_empty_investigation(order, content, day=day, user=user, now=now)
    if found == "new_occupant":
        return welcome_new_occupant(order, answer(content, "new_occupant", "person") or {}, user=user, now=now)
    dsi = dossier_of(order, "DSI")
    if dsi is not None:
        open_task(dsi.id, "call_customer", "Client sortant trouvé sur place : le rappeler pour la résiliation (W8)",
                  role="agent", user=user, now=now)
    return ["Client sortant trouvé sur place : tâche de rappel créée (W8)."]


def close_after_empty_investigation(order: Order, content: dict, *, day: date, user: User, now: datetime) -> list[str]:
    """W8: nobody on site → the branch closed on the spot (W16), else a CLOSURE order."""
    if answer(content, "closure_done", "branch_closed") is True:
        return mark_branch_closed(order, day=day, user=user, now=now)
    closure = issue_order("CLOSURE", order.point, now=now, dossier=dossier_of(order), user=user,
                          instructions=f"Personne sur place lors de l'enquête {order.ref} : fermer le branchement.")
    return [f"Ordre de fermeture {closure.ref} émis : personne sur place (W8)."]


def welcome_new_occupant(order: Order, occupant: dict, *, user: User, now: datetime) -> list[str]:
    """W8/W18: the new occupant found on site becomes a prospect with an ASI "information du terrain"."""
    found = WaterDeparture(kind="newcomer", successor_name=(occupant.get("name") or "Nouvel occupant").strip(),
                           successor_phone=occupant.get("phone"), successor_email=occupant.get("email"))
    successor = successor_of(found, order.point.address, source="field")
    contract = contract_of(order)
    if contract is not None:
        asi = open_arrival(contract, successor, origin=dossier_of(order), user=user, now=now)
    else:
        asi = open_dossier("ASI", utility="water", requested_on=now.date(), now=now, user=user, point=order.point,
                           customer=db.session.get(Customer, successor["prospect_id"]), branch="field",
                           step="announced", data={"successor": successor},
                           message=f"Nouvel occupant trouvé lors de l'enquête {order.ref} (W8, W18).")
    record("create_prospect", "customer", successor["prospect_id"], user=user, at=now, from_order=order.ref)
    return [f"Prospect {successor['name']} créé, dossier {asi.ref} (arrivée, information du terrain) ouvert (W8)."]
