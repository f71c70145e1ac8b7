"""The water departure paths of P_NAT_CLI_13 (announced W7, immediate W2/W3/W13/W14/W15/W22, unannounced
W12, reported by the newcomer W11, contested billing W20): each opens its dossier and terminates at once or
issues the field order the procedure asks for. Called by services.departures, which checks W1 and commits."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..closing.transfers import set_contract_iban
from ...errors import DomainError
from ...extensions import db
from ...local_time import local_day
from ...models import Contract, Customer, Dossier, Invoice, Meter, Order, PointContact, Reading, Task, User
from ..base.audit import record
from ..base.counters import next_ref
from ..rules.formats import money
from ..rules.departure_rules import (announced_departure_errors, contested_billing_outcome, contract_end_date,
                              index_is_coherent, matches_warehouse, owner_contact_required, owner_contacts_to_verify,
                              reminder_day,
                              proof_gives_the_index, remote_data_missing, trusted_reading_allowed,
                              unannounced_end_date)
from ..dossiers.dossiers import add_event, get_dossier, open_dossier, require_action
from ..closing.deferrals import terminate_unless_field_work_pending
from ..closing.invoices import cancel_contested_invoice, last_billed_reading, travel_fee_applies
from ..dossiers.orders import OPEN_STATES, issue_order, touch_order
from ..closing.terminations import switch_off_alerts


@dataclass
class WaterDeparture:
    """What the agent captured (plain values from the form)."""
    kind: str                       # announced | immediate | unannounced | newcomer | contest
    departure_on: date | None = None
    index: int | None = None
    proof: str = "none"             # W12 contest / W15: none | inventory | photo
    email: str | None = None
    mobile: str | None = None
    new_address: str | None = None
    iban: str | None = None
    owner_role: str = "owner"
    owner_name: str | None = None
    owner_phone: str | None = None
    owner_email: str | None = None
    owner_verified: bool = False    # W18: known contacts checked with the customer
    successor_name: str | None = None
    successor_phone: str | None = None
    successor_email: str | None = None
    successor_source: str = "predecessor"  # W14: who told us of the successor: predecessor | third_party | field
    reading_choice: str | None = None   # W15: photo | appointment
    appointment_on: date | None = None
    dsi_id: int | None = None           # W10: confirming an announced departure


def active_meter(contract: Contract) -> Meter | None:
    return next((m for m in contract.point.meters if m.removed_on is None), None)


def history_of(meter: Meter | None) -> list[tuple[date, int]]:
    if meter is None:
        return []
    return [(r.read_on, r.index) for r in db.session.scalars(
        select(Reading).where(Reading.meter_id == meter.id).order_by(Reading.read_on.desc()).limit(24))]


def last_remote(meter: Meter | None) -> Reading | None:
    if meter is None:
        return None
    return db.session.scalar(select(Reading).where(Reading.meter_id == meter.id, Reading.source == "remote")
                             .order_by(Reading.read_on.desc()))


def update_contacts(contract: Contract, req: WaterDeparture, *, user: User, now: datetime) -> None:
    """W13/W6: billing contacts, new address, bank details (audited: the trail the transfer refund's
    two-person rule reads); the owner or manager of a rented dwelling."""
    today = local_day(now, "water")
    customer = contract.customer
    customer.email = (req.email or "").strip() or customer.email
    customer.mobile = (req.mobile or "").strip() or customer.mobile
    if (req.new_address or "").strip():
        customer.postal_address = contract.billing_address = req.new_address.strip()
    if (req.iban or "").strip():
        set_contract_iban(contract, req.iban, user=user, now=now, source="departure")
    known = {c.role for c in contract.point.contacts}
    if (req.owner_name or "").strip():
        db.session.add(PointContact(delivery_point_id=contract.delivery_point_id, role=req.owner_role or "owner",
                                    name=req.owner_name.strip(), phone=req.owner_phone, email=req.owner_email,
                                    verified_on=today))
    elif owner_contact_required(contract.point.rented, known):
        raise DomainError("Logement loué : les coordonnées du propriétaire ou du gestionnaire sont obligatoires (W6).",
                          {"owner_name": ["Nom du propriétaire ou du gestionnaire requis (W6)."]})
    elif owner_contacts_to_verify(contract.point.rented, bool((req.successor_name or "").strip())):
        if not req.owner_verified:
            raise DomainError("Successeur inconnu : vérifier avec le client les coordonnées du propriétaire, de "
                              "l'agence, du notaire ou du bailleur (W18).",
                              {"owner_verified": ["Coordonnées à vérifier (ou à saisir ci-dessus)."]})
        for contact in contract.point.contacts:
            contact.verified_on = today


def successor_of(req: WaterDeparture, point_address: str, source: str | None = None) -> dict | None:
    """W18: a known successor becomes a prospect; returns what the ASI will need, with who told us of them
    (W14: the agent's choice at the intake unless the procedure fixes it)."""
    source = source or req.successor_source
    name = (req.successor_name or "").strip()
    if not name:
        return None
    prospect = Customer(ref=next_ref("C"), status="prospect", last_name=name[:120], mobile=req.successor_phone or None,
                        email=req.successor_email or None, postal_address=point_address)
    db.session.add(prospect)
    db.session.flush()
    return {"name": name, "prospect_id": prospect.id, "source": source}


def announce_departure(contract: Contract, req: WaterDeparture, *, user: User, now: datetime) -> Dossier:
    """W7: a DSI with the planned date; e-mail and mobile required (for the W8 reminders)."""
    customer = contract.customer
    errors = announced_departure_errors(email=req.email or customer.email, mobile=req.mobile or customer.mobile,
                                        planned_on=req.departure_on, today=local_day(now, "water"))
    if errors:
        raise DomainError("Départ annoncé incomplet (W7).", errors)
    update_contacts(contract, req, user=user, now=now)
    successor = successor_of(req, contract.point.address)
    return open_dossier("DSI", utility="water", contract=contract, requested_on=local_day(now, "water"), planned_on=req.departure_on,
                        step="planned", due_on=reminder_day(req.departure_on), now=now, user=user,
                        data={"successor": successor, "new_address": req.new_address or None},
                        message=f"Départ annoncé pour le {req.departure_on:%d/%m/%Y} ; relance au jour 10, analyse au "
                                "jour 30 sans nouvelles (W7, W8).")


def immediate_departure(contract: Contract, req: WaterDeparture, *, user: User, now: datetime) -> Dossier:
    """W13/W2/W3/W14/W15/W22: check the index; trusted and coherent → terminate now; else photo or
    READING appointment (with the travel fee announced); remote-read without data → INF_TELE."""
    today, departure_on = local_day(now, "water"), req.departure_on or local_day(now, "water")
    update_contacts(contract, req, user=user, now=now)
    meter = active_meter(contract)
    remote = last_remote(meter)
    missing = remote_data_missing(meter, remote.read_on if remote else None, today)
    index = req.index if req.index is not None else (remote.index if remote and not missing else None)
    trusted = trusted_reading_allowed(meter, today) and not missing
    coherent = index is not None and index_is_coherent(index, history_of(meter), departure_on) and \
        (meter is None or meter.reading_mode != "remote" or missing or matches_warehouse(index, remote.index if remote else None))
    successor = successor_of(req, contract.point.address)
    dep = open_dossier("DEP", utility="water", contract=contract, requested_on=today, planned_on=departure_on, now=now,
                       user=user, step="intake", data={"successor": successor, "departure_on": departure_on.isoformat()},
                       message=f"Départ immédiat au {departure_on:%d/%m/%Y}" + (f", index client {index}" if index is not None else "") + ".")
    confirm_announced(req.dsi_id, dep, user=user, now=now)
    if switch_off_alerts(contract):
        add_event(dep, "alerts_off", "Alertes fuite et surconsommation désactivées (W13).", user, now)
    if missing:
        open_remote_fault(contract, meter, dep, user=user, now=now)
    if (trusted or missing) and coherent:
        source = "remote" if meter and meter.reading_mode == "remote" and req.index is None else "customer"
        terminate_unless_field_work_pending(
            contract, end_on=contract_end_date(departure_on=departure_on, trusted=True, reading_on=None), index=index,
            read_on=departure_on, source=source, travel_fee=False, dossier=dep, user=user, now=now)
        return dep
    return ask_for_reading(contract, dep, req, own_failure=missing, coherent=coherent, user=user, now=now,
                           index_missing=index is None)


def ask_for_reading(contract: Contract, dep: Dossier, req: WaterDeparture, *, own_failure: bool, coherent: bool,
                    user: User, now: datetime, index_missing: bool = False) -> Dossier:
    """W15: a timestamped photo from the customer, or a READING appointment with the fee announced (W4)."""
    why = reading_refusal_reason(index_missing=index_missing, coherent=coherent)
    if req.reading_choice == "photo":
        dep.step = "awaiting_photo"
        add_event(dep, "awaiting_photo", f"Relevé non retenu ({why}) : photo horodatée du compteur demandée au client (W15).", user, now)
        return dep
    if req.reading_choice != "appointment" or req.appointment_on is None:
        raise DomainError(f"Relevé non retenu ({why}) : choisir une photo horodatée ou un rendez-vous de relevé (W15).",
                          {"reading_choice": ["Photo horodatée ou rendez-vous (avec sa date) requis."]})
    fee = travel_fee_applies(contract.point.commune, own_failure=own_failure)
    book_reading(contract, dep, req.appointment_on, fee, why, user=user, now=now)
    return dep


def reading_refusal_reason(*, index_missing: bool, coherent: bool) -> str:
    """Why the customer's reading is not used, in words: no index at all is not an incoherent one."""
    if index_missing:
        return "index manquant"
    return "index incohérent" if not coherent else "compteur non vu par un agent depuis 12 mois (W3)"


def pending_reading(dep: Dossier) -> Order | None:
    """The dossier's READING appointment still to be done (issued or assigned), if any."""
    return db.session.scalar(select(Order).where(Order.dossier_id == dep.id, Order.type == "READING",
                                                 Order.state.in_(OPEN_STATES)).order_by(Order.id.desc()))


def move_reading(order: Order, dep: Dossier, day: date, *, user: User, now: datetime) -> Order:
    """W15: one open appointment per departure: a new date moves the pending one (the tablet sees it)."""
    before = order.planned_date
    order.planned_date = day
    touch_order(order)
    record("move_order", "order", order.id, user=user, at=now, planned_date=day.isoformat())
    add_event(dep, "reading_moved", f"Rendez-vous de relevé déplacé du {before:%d/%m/%Y} au {day:%d/%m/%Y}, "
                                    f"ordre {order.ref} (aucun nouvel ordre, W15).", user, now)
    return order


def book_reading(contract: Contract, dep: Dossier, day: date, fee: bool, why: str, *, user: User, now: datetime) -> Order:
    pending = pending_reading(dep)
    if pending is not None:
        return move_reading(pending, dep, day, user=user, now=now)
    commune = contract.point.commune
    order = issue_order("READING", contract.point, now=now, dossier=dep, planned_date=day, travel_fee=fee,
                        contract_id=contract.id, user=user,
                        instructions=f"Relevé contradictoire pour arrêt de compte ({why}).")
    contract.state = "terminating"
    dep.step = "reading_appointment"
    fee_text = f"frais de déplacement {money(commune.travel_fee_amount or 0, commune.currency)} annoncés au client" if fee \
        else "sans frais de déplacement"
    add_event(dep, "reading_order", f"Rendez-vous de relevé le {day:%d/%m/%Y}, ordre {order.ref}, {fee_text} (W4, W15).",
              user, now)
    return order


def confirm_announced(dsi_id: int | None, dep: Dossier, *, user: User, now: datetime) -> None:
    """W10: the customer confirms an announced departure; its timers stop, it closes at the termination."""
    if not dsi_id:
        return
    dsi = get_dossier(dsi_id, user)
    require_action(dsi, "confirm", "Confirmer le départ")
    dsi.step, dsi.due_on = "confirmed", None
    dep.origin_id = dsi.id  # one customer request (W23)
    add_event(dsi, "confirmed", f"Départ confirmé par le client : dossier {dep.ref} (W10).", user, now)


def open_remote_fault(contract: Contract, meter: Meter | None, dep: Dossier, *, user: User, now: datetime) -> Dossier:
    """W22: no warehouse data for a remote-read meter: INF_TELE for the technical service; visits are ours."""
    fault = open_dossier("INF_TELE", utility="water", contract=contract, requested_on=now.date(), now=now, user=user,
                         step="analysis", data={"meter": meter.serial if meter else None, "from": dep.ref},
                         message=f"Aucun index télérelevé récent pour le compteur {meter.serial if meter else '—'} : "
                                 "relevé donné par le client, intervention à notre charge (W22).")
    db.session.add(Task(dossier_id=fault.id, kind="remote_reading_fault", role="chief", due_on=now.date(),
                        title=f"Analyser le dysfonctionnement de télérelève du compteur {meter.serial if meter else '—'}"))
    add_event(dep, "remote_fault", f"Dossier {fault.ref} ouvert (télérelève sans données, W22).", user, now)
    return fault


def unannounced_departure(contract: Contract, req: WaterDeparture, *, user: User, now: datetime) -> Dossier:
    """W12 (DESIGN §4.1): the contract ends on the day of the call, whatever the proof: everything is owed
    until the customer reports the departure and paid invoices are not refunded. The inventory or timestamped
    photo gives the index only when coherent with the readings around its date and not older than the last
    billed reading; otherwise a READING visit with the travel fee."""
    today = local_day(now, "water")
    update_contacts(contract, req, user=user, now=now)
    end_on = unannounced_end_date(call_on=today)
    proof = req.proof in ("inventory", "photo") and req.index is not None and req.departure_on is not None
    meter = active_meter(contract)
    billed = last_billed_reading(meter)
    usable = proof and proof_gives_the_index(
        proof_on=req.departure_on, last_billed_on=billed.read_on if billed else None,
        coherent=index_is_coherent(req.index, history_of(meter), req.departure_on, meter.dials if meter else None))
    successor = successor_of(req, contract.point.address)
    dep = open_dossier("DEP", utility="water", contract=contract, requested_on=today, now=now, user=user, step="intake",
                       data={"successor": successor, "unannounced": True, "end_on": end_on.isoformat()},
                       message=f"Départ non signalé ; fin de contrat au {end_on:%d/%m/%Y}, date de l’appel : "
                               "abonnement et consommations dus jusqu'au signalement (W12).")
    switch_off_alerts(contract)
    if usable:
        add_event(dep, "proof", f"{PROOF_LABELS[req.proof]} du {req.departure_on:%d/%m/%Y} : index {req.index} retenu, "
                                "sans valeur pour la date de fin (W12).", user, now)
        terminate_unless_field_work_pending(contract, end_on=end_on, index=req.index, read_on=req.departure_on,
                                            source="customer", travel_fee=False, dossier=dep, user=user, now=now)
        return dep
    if proof:
        add_event(dep, "proof_refused", f"{PROOF_LABELS[req.proof]} du {req.departure_on:%d/%m/%Y} non retenu : index "
                                        f"{req.index} incohérent ou antérieur au dernier relevé facturé ; les factures "
                                        "réglées ne sont pas remboursées (W12). Relevé sur place.", user, now)
    day = req.appointment_on or today
    book_reading(contract, dep, day, travel_fee_applies(contract.point.commune, own_failure=False),
                 "départ non signalé", user=user, now=now)
    return dep


PROOF_LABELS = {"inventory": "État des lieux", "photo": "Photo horodatée"}


def departure_by_newcomer(contract: Contract, req: WaterDeparture, *, user: User, now: datetime) -> Dossier:
    """W11: the newcomer reports the departure: a transfer, done by the arrival procedure (which closes the
    old account): the newcomer is a prospect with an ASI and a transfer task."""
    successor = successor_of(req, contract.point.address, source="third_party")
    if successor is None:
        raise DomainError("Indiquer le nouvel occupant (W11).", {"successor_name": ["Nom du nouvel occupant requis."]})
    asi = open_dossier("ASI", utility="water", point=contract.point, customer=db.session.get(Customer, successor["prospect_id"]),
                       requested_on=now.date(), branch="third_party", step="transfer", now=now, user=user,
                       data={"transfer": True, "previous_contract": contract.number, "successor": successor},
                       message=f"Départ signalé par le nouvel occupant {successor['name']} : mutation du contrat "
                               f"{contract.number} selon la procédure Arrivée client (W11).")
    db.session.add(Task(dossier_id=asi.id, kind="transfer", role="agent", due_on=now.date(),
                        title=f"Procéder à la mutation du contrat {contract.number} au nom de {successor['name']} (W11)"))
    return asi


def contest_continued_billing(contract: Contract, req: WaterDeparture, *, user: User, now: datetime) -> Dossier:
    """W20: the customer contests invoices issued after they left. If they had told us (a DSI or DEP of
    this contract before today) and we did not terminate, the invoices since are cancelled and the
    termination is backdated to the real date and index; otherwise all is owed until today's call and
    the departure is handled as unannounced (W12)."""
    if req.departure_on is None or req.index is None:
        raise DomainError("Contestation : indiquer la date et l'index réels du départ (W20).",
                          {"departure_on": ["Date réelle du départ requise."], "index": ["Index réel requis."]})
    told = db.session.scalar(select(Dossier).where(
        Dossier.contract_id == contract.id, Dossier.type.in_(("DSI", "DEP")), Dossier.state != "cancelled",
        Dossier.requested_on < local_day(now, "water")).order_by(Dossier.requested_on))
    invoices = list(db.session.scalars(select(Invoice).where(Invoice.contract_id == contract.id,
                                                             Invoice.kind == "periodic")))
    decision = contested_billing_outcome(told.requested_on if told else None,
                                         [(i.id, i.issued_on, i.state) for i in invoices])
    if not decision.backdate:
        dep = unannounced_departure(contract, WaterDeparture(kind="unannounced", appointment_on=req.appointment_on),
                                    user=user, now=now)
        add_event(dep, "contest", "Contestation : abonnement et consommations dus jusqu'au signalement du départ ; "
                                  "factures réglées non remboursées (W20).", user, now)
        return dep
    contested = [invoice for invoice in invoices if invoice.id in decision.cancel_invoices]
    refunded = [invoice for invoice in contested
                if cancel_contested_invoice(invoice, told_in=told.ref, user=user, now=now)]
    dep = open_dossier("DEP", utility="water", contract=contract, requested_on=local_day(now, "water"), now=now, user=user,
                       step="contest", data={"contest": True, "told_in": told.ref,
                                             "cancelled_invoices": [i.number for i in contested],
                                             "refunded_invoices": [i.number for i in refunded]},
                       message=f"Contestation : départ signalé le {told.requested_on:%d/%m/%Y} ({told.ref}) sans "
                               f"résiliation ; {len(contested)} facture(s) annulée(s)"
                               f"{_numbers(contested)}, dont {len(refunded)} réglée(s) remboursée(s) sur la facture "
                               f"d'arrêt de compte ; résiliation rétroactive au {req.departure_on:%d/%m/%Y}, "
                               f"index {req.index} (W20).")
    if not terminate_unless_field_work_pending(contract, end_on=req.departure_on, index=req.index,
                                               read_on=req.departure_on, source="customer", travel_fee=False,
                                               dossier=dep, user=user, now=now):
        return dep  # W17: the retroactive closing (with its refunds) waits for the field work on the point
    closing = db.session.scalar(select(Invoice).where(Invoice.contract_id == contract.id,
                                                      Invoice.kind.in_(("closing", "credit_note")),
                                                      Invoice.state != "cancelled").order_by(Invoice.id.desc()))
    add_event(dep, "contest_result", f"Résultat net de la contestation : facture {closing.number}, "
                                     f"{net_result_words(closing.total, contract.point.commune.currency)} (W20).",
              user, now)
    return dep


def _numbers(invoices: list[Invoice]) -> str:
    return f" ({', '.join(i.number for i in invoices)})" if invoices else ""


def net_result_words(total, currency: str) -> str:
    """W20: what the net result of a contest means for the customer, in words."""
    if total < 0:
        return f"{money(-total, currency)} à rembourser au client"
    if total > 0:
        return f"{money(total, currency)} dus par le client"
    return "solde nul"
