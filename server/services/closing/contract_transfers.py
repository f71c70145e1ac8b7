"""W11: a departure reported by the newcomer is a transfer ("mutation"), done from the arrival dossier: the old
contract ends at the transfer index, the newcomer's contract starts there, both invoices are issued at once."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...errors import DomainError, IllegalTransition
from ...extensions import db
from ...models import Contract, Customer, Dossier, Invoice, Task, User
from ..base.audit import record
from ..base.counters import next_ref
from ..dossiers.dossiers import add_event, close_departure_dossiers, end_dossier, get_dossier
from ..rules.departure_rules import index_is_coherent
from .invoices import billing_meter, issue_takeover_invoices


@dataclass(frozen=True)
class Transfer:
    old: Contract
    new: Contract
    invoices: tuple[Invoice, Invoice]


def transfer_pending(dossier: Dossier) -> bool:
    """W11: an open arrival dossier that still has its transfer to perform."""
    return dossier.type == "ASI" and dossier.state == "open" and dossier.step == "transfer"


def contract_to_transfer(dossier: Dossier) -> Contract:
    number = (dossier.data or {}).get("previous_contract")
    contract = db.session.scalar(select(Contract).where(Contract.number == number)) if number else None
    if contract is None or contract.state == "terminated":
        raise IllegalTransition(f"Le contrat à muter {number or ''} n'est plus actif : mutation impossible.")
    return contract


def perform_transfer(dossier_id: int, *, index: int | None, on: date | None, index_confirmed: bool, user: User,
                     now: datetime) -> Transfer:
    """W11 (with W14/W17 and E4's arithmetic): end the old contract at the transfer index on the transfer day,
    start the newcomer's contract there, issue the closing invoice and the new subscription invoice; the
    transfer task is done and the arrival dossier closed. Commits."""
    dossier = get_dossier(dossier_id, user)
    if not transfer_pending(dossier):
        raise IllegalTransition(f"Le dossier {dossier.ref} n'a pas de mutation à réaliser.")
    old = contract_to_transfer(dossier)
    day = on or now.date()
    if index is None:
        raise DomainError("Index manquant : relever l'index de mutation.", {"index": ["Index de mutation requis."]})
    if day > now.date() or day < old.start_on:
        raise DomainError("Date de mutation impossible : ni dans le futur, ni avant le début du contrat.",
                          {"on": ["Date de mutation invalide."]})
    refuse_incoherent_transfer_index(old, index, day, index_confirmed)
    newcomer = db.session.get(Customer, dossier.customer_id)
    newcomer.status = "customer"
    new = Contract(number=next_ref("CT"), customer_id=newcomer.id, delivery_point_id=old.delivery_point_id,
                   service=old.service, voltage=old.voltage, start_on=day, state="active")
    db.session.add(new)
    db.session.flush()
    closing, subscription = issue_takeover_invoices(old, new, index=index, read_on=day, user=user, now=now)
    closing.dossier_id = subscription.dossier_id = dossier.id
    old.state, old.end_on = "terminated", day
    close_departure_dossiers(old, except_id=None, user=user, now=now)
    for task in db.session.scalars(select(Task).where(Task.dossier_id == dossier.id, Task.kind == "transfer",
                                                      Task.state == "open")):
        task.state, task.done_at, task.outcome = "done", now, "transferred"
    dossier.contract_id, dossier.step = new.id, "transferred"
    add_event(dossier, "transfer", f"Mutation réalisée au {day:%d/%m/%Y}, index {index} : contrat {old.number} résilié, "
                                   f"contrat {new.number} ouvert pour {newcomer.display_name} ; factures "
                                   f"{closing.number} et {subscription.number} émises (W11).", user, now)
    end_dossier(dossier, "closed", "Mutation réalisée : dossier clos (W11).", user=user, now=now)
    record("transfer_contract", "contract", old.id, user=user, at=now, new_contract=new.number, index=index,
           on=day.isoformat())
    db.session.commit()
    return Transfer(old, new, (closing, subscription))


def refuse_incoherent_transfer_index(contract: Contract, index: int, day: date, confirmed: bool) -> None:
    """W11/W14: the transfer index is judged like any departure index; an unusual one only once the agent
    confirms it was checked with both customers."""
    meter = billing_meter(contract)
    history = [(r.read_on, r.index) for r in (meter.readings if meter else []) if r.source != "estimated"
               and r.read_on <= day]
    if confirmed or index_is_coherent(index, history, day, meter.dials if meter else None):
        return
    raise DomainError(f"Index de mutation {index} incohérent avec l'historique du compteur : le vérifier avec les "
                      "deux clients, puis cocher la confirmation (W11).",
                      {"index_confirmed": ["Confirmer l'index vérifié avec les deux clients."]})
