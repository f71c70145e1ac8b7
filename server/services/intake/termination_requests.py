"""Electricity termination at the counter (SBEE procedure): with takeover by a successor (E4), or
without (E5: classic → CUTOFF, anticipated → READING), the requester identified and signing (E2), no
suspension (E1). The removal order follows on the termination date (services.timelines, E10/E12)."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...errors import DomainError, IllegalTransition, NotFound
from ...extensions import db
from ...local_time import local_day
from ...models import Contract, Customer, Dossier, Invoice, Order, User
from ..base.accounts import serves_utility
from ..base.audit import record
from ..base.counters import next_ref
from ..rules.departure_rules import (index_is_coherent, meter_removed_at_termination, requester_errors, suspension_allowed,
                              termination_order_type)
from .departures import get_contract, open_departure, refuse_unless_ours
from ..dossiers.dossiers import add_event, end_dossier, open_dossier
from ..closing.invoices import issue_takeover_invoices
from ..dossiers.orders import issue_order
from ..rules.signatures import printed_order_matches, strokes_from_text
from .water_departures import active_meter, history_of


@dataclass
class ElectricityTermination:
    kind: str                         # takeover | classic | anticipated | suspension (refused, E1)
    termination_on: date | None = None
    index: int | None = None
    requester_name: str | None = None
    requester_identity: str | None = None
    successor_ref: str | None = None
    successor_name: str | None = None
    successor_phone: str | None = None
    successor_email: str | None = None
    successor_identity: str | None = None
    index_confirmed: bool = False     # E4: the agent checked an unusual takeover index with both customers


def record_termination(contract_id: int, req: ElectricityTermination, *, user: User, now: datetime) -> Dossier:
    """Dispatch on the kind of request; commits; returns the DEP dossier."""
    contract = get_contract(contract_id, user)
    if req.kind == "suspension" and not suspension_allowed():
        raise DomainError("Les suspensions provisoires ne sont pas acceptées (E1) : le client peut alimenter son "
                          "compte par une avance sur consommation.", {"kind": ["Suspension refusée (E1)."]})
    refuse_unless_ours(contract)
    if contract.state != "active" or open_departure(contract, "DEP") is not None:
        raise DomainError(f"Une résiliation est déjà en cours pour le contrat {contract.number}.")
    handler = {"takeover": takeover, "classic": terminate_without_takeover,
               "anticipated": terminate_without_takeover}.get(req.kind)
    if handler is None:
        raise DomainError("Type de résiliation inconnu.", {"kind": ["Choisir le type de résiliation."]})
    try:
        dossier = handler(contract, req, user=user, now=now)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return dossier


def successor_customer(req: ElectricityTermination, address: str) -> Customer:
    """E4: the successor, found by reference or created (a customer at once: they subscribe today)."""
    if (req.successor_ref or "").strip():
        found = db.session.scalar(select(Customer).where(Customer.ref == req.successor_ref.strip()))
        if found is None:
            raise DomainError("Client repreneur introuvable.", {"successor_ref": ["Référence inconnue."]})
        found.status = "customer"
        return found
    if not (req.successor_name or "").strip() or not (req.successor_identity or "").strip():
        raise DomainError("Repreneur incomplet (E4).", {"successor_name": ["Nom et pièce d'identité du repreneur requis."]})
    customer = Customer(ref=next_ref("C"), status="customer", last_name=req.successor_name.strip()[:120],
                        mobile=req.successor_phone or None, email=req.successor_email or None,
                        identity_document=req.successor_identity.strip(), postal_address=address)
    db.session.add(customer)
    db.session.flush()
    return customer


def takeover(contract: Contract, req: ElectricityTermination, *, user: User, now: datetime) -> Dossier:
    """E4: transfer the contract at the takeover index; termination and subscription invoices, both issued;
    both customers go to the cashier. No field order, no removal."""
    if req.index is None:
        raise DomainError("L'index de mutation est obligatoire (E4).", {"index": ["Index requis."]})
    today = local_day(now, "electricity")
    refuse_incoherent_takeover_index(contract, req, today)
    successor = successor_customer(req, contract.point.address)
    new = Contract(number=next_ref("CT"), customer_id=successor.id, delivery_point_id=contract.delivery_point_id,
                   service=contract.service, voltage=contract.voltage, start_on=today, state="active")
    db.session.add(new)
    db.session.flush()
    dep = open_dossier("DEP", utility="electricity", contract=contract, requested_on=today, now=now, user=user,
                       step="takeover", data={"successor": {"name": successor.display_name, "customer_id": successor.id},
                                              "new_contract": new.number},
                       message=f"Résiliation avec reprise par {successor.display_name} à l'index {req.index} (E4).")
    old_invoice, new_invoice = issue_takeover_invoices(contract, new, index=req.index, read_on=today, user=user, now=now)
    old_invoice.dossier_id = new_invoice.dossier_id = dep.id
    contract.state, contract.end_on, contract.fully_terminated_on = "terminated", today, today
    add_event(dep, "takeover", f"Contrat {new.number} ouvert pour {successor.display_name} ; facture de résiliation "
                               f"{old_invoice.number} et facture d'abonnement {new_invoice.number} émises : orienter "
                               "les deux clients vers la caisse (E4).", user, now)
    end_dossier(dep, "closed", "Mutation réalisée.", user=user, now=now)
    return dep


def refuse_incoherent_takeover_index(contract: Contract, req: ElectricityTermination, today: date) -> None:
    """E4: the transfer index passes the same coherence check as a water intake (history, rollover of the
    dials); an unusual one is accepted only once the agent confirms it was checked with both customers."""
    meter = active_meter(contract)
    if req.index_confirmed or index_is_coherent(req.index, history_of(meter), today, meter.dials if meter else None):
        return
    last = max(history_of(meter), default=None)
    known = f" (dernier relevé {last[1]} le {last[0]:%d/%m/%Y})" if last else ""
    raise DomainError(f"Index de mutation {req.index} incohérent avec l'historique du compteur{known} : le vérifier "
                      "avec les deux clients, puis cocher la confirmation (E4).",
                      {"index_confirmed": ["Confirmer l'index vérifié avec les deux clients."],
                       "index": ["Index incohérent avec l'historique."]})


def terminate_without_takeover(contract: Contract, req: ElectricityTermination, *, user: User, now: datetime) -> Dossier:
    """E5: a termination request; classic → CUTOFF (interruption and reading), anticipated → READING on the
    cut-off date; the requester identified and signing the order (E2); E10 removal on the date (not MT)."""
    anticipated = req.kind == "anticipated"
    errors = requester_errors(req.requester_name, req.requester_identity)
    if anticipated and req.termination_on is None:
        errors["termination_on"] = ["La date de coupure est obligatoire pour une résiliation anticipée (E5)."]
    if errors:
        raise DomainError("Demande de résiliation incomplète.", errors)
    today = local_day(now, "electricity")
    end_on = req.termination_on or today
    if end_on < today:
        raise DomainError("La date de résiliation ne peut pas être passée.", {"termination_on": ["Date passée."]})
    removal = meter_removed_at_termination(contract.voltage)
    dep = open_dossier("DEP", utility="electricity", contract=contract, requested_on=today, now=now, user=user,
                       step="awaiting_removal" if removal else "awaiting_cutoff", due_on=end_on if removal else None,
                       data={"requester_name": req.requester_name.strip(), "anticipated": anticipated},
                       message=f"Demande de résiliation {'anticipée' if anticipated else 'classique'} au "
                               f"{end_on:%d/%m/%Y} par {req.requester_name.strip()} (E2, E5).")
    order_type = termination_order_type(anticipated)
    order = issue_order(order_type, contract.point, now=now, dossier=dep, planned_date=end_on, contract_id=contract.id,
                        requester_name=req.requester_name.strip(), requester_identity=req.requester_identity.strip(),
                        user=user, instructions="Résiliation anticipée : relever l'index à la date de coupure." if anticipated
                        else "Résiliation classique : interrompre la fourniture, relever l'index de coupure, poser le scellé.")
    contract.state, contract.end_on = "terminating", end_on
    add_event(dep, "order", f"Ordre {order.ref} ({order.label}) émis : le demandeur le signe une fois imprimé ou "
                            "à l'écran du guichet (E2, E5)"
                            + ("" if removal else " ; contrat MT : pas de dépose de compteur (E12)") + ".", user, now)
    return dep


def takeover_invoices(dossier: Dossier) -> list[Invoice]:
    return list(db.session.scalars(select(Invoice).where(Invoice.dossier_id == dossier.id).order_by(Invoice.id)))


def record_requester_signature(order_id: int, *, method: str, user: User, now: datetime, typed_ref: str = "",
                               strokes_text: str = "") -> Order:
    """E2: the requester signs the order once it exists: the printed order brought back signed (the agent
    confirms it by typing the order number printed on it), or drawn on the counter's screen. Commits."""
    order = db.session.get(Order, order_id) if 0 < order_id < 2**31 else None
    if order is None or not serves_utility(user, order.point.commune.utility):
        raise NotFound("Ordre introuvable.")
    if not order.requester_name:
        raise IllegalTransition(f"L'ordre {order.ref} n'a pas de demandeur à faire signer.")
    if order.requester_signed:
        raise IllegalTransition(f"Le demandeur a déjà signé l'ordre {order.ref}.")
    if order.state == "cancelled":
        raise IllegalTransition(f"L'ordre {order.ref} est annulé.")
    if method == "printed":
        if not printed_order_matches(typed_ref, order.ref):
            raise DomainError(f"Le numéro saisi ne correspond pas à l'ordre {order.ref} : vérifier l'ordre imprimé "
                              "rapporté signé.", {"typed_ref": ["Numéro de l'ordre imprimé attendu."]})
        signature = {"method": "printed", "confirmed_by": user.id}
    elif method == "drawn":
        signature = {"method": "drawn", "strokes": strokes_from_text(strokes_text), "confirmed_by": user.id}
    else:
        raise DomainError("Choisir comment le demandeur a signé.", {"method": ["Ordre imprimé ou écran du guichet."]})
    order.requester_signed, order.requester_signed_at, order.requester_signature = True, now, signature
    how = "ordre imprimé rapporté signé" if method == "printed" else "signature à l'écran du guichet"
    if order.dossier_id:
        add_event(db.session.get(Dossier, order.dossier_id), "requester_signed",
                  f"Ordre {order.ref} signé par le demandeur {order.requester_name} ({how}, E2).", user, now)
    record("requester_signature", "order", order.id, user=user, at=now, method=method)
    db.session.commit()
    return order
