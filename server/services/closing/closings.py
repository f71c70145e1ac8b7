"""Closing a contract from an accepted field report: the bridge from the review to the termination and
billing use cases (services.terminations, services.invoices), and freeing the delivery point (E11)."""
from datetime import date, datetime

from sqlalchemy import select

from ...extensions import db
from ...models import Contract, Dossier, Invoice, User
from ..base.audit import record
from ..dossiers.dossiers import add_event
from ..rules.formats import money
from .invoices import issue_balance_invoice
from .prepayments import deduct_prepayments
from .terminations import BRANCH_LABELS, switch_off_alerts, terminate_contract


def terminate_on_field_reading(contract: Contract, *, index: int, read_on: date, travel_fee: bool,
                               dossier: Dossier | None, user: User, now: datetime) -> list[str]:
    """W14/W15: terminate at the field index (closing invoice, with the fee the order announced), close
    the DEP and open the ASI whose branch follows what is known of the successor."""
    terminate_contract(contract, end_on=read_on, index=index, read_on=read_on, source="agent",
                       travel_fee=travel_fee, dossier=dossier, user=user, now=now)
    invoice = latest_invoice(contract, ("closing", "credit_note"))
    effects = [f"Contrat {contract.number} résilié au {read_on.strftime('%d/%m/%Y')} (W14/W15)."]
    if invoice is not None:
        effects.append(f"Facture d'arrêt de compte {invoice.number} : {money(invoice.total, contract.point.commune.currency)} (W17).")
    if dossier is not None and dossier.state != "open":
        effects.append(f"Dossier {dossier.ref} clos.")
    arrival = db.session.scalar(select(Dossier).where(Dossier.delivery_point_id == contract.delivery_point_id,
                                                      Dossier.type == "ASI", Dossier.state == "open")
                                .order_by(Dossier.id.desc()))
    if arrival is not None:
        effects.append(f"Dossier {arrival.ref} ouvert (arrivée, branche « {BRANCH_LABELS.get(arrival.branch, arrival.branch)} »).")
    return effects


def balance_missing(contract: Contract) -> bool:
    """E8 (DESIGN §4.1): the termination has no live invoice settling the contract against its deposit yet
    (the cut-off visit found nobody, no access, or was refused)."""
    return latest_invoice(contract, ("balance", "closing", "credit_note"), live=True) is None


def issue_balance(contract: Contract, *, index: int, read_on: date, user: User, now: datetime,
                  dossier: Dossier | None = None, why: str | None = None) -> list[str]:
    """E8: once the cut-off (or anticipated reading) is countersigned, the balance invoice is computed; it is
    listed on the DEP `dossier` and its timeline says so. Every termination ends with its balance, whichever
    report gave the final index (`why` says why it is not the cut-off's, e.g. at the removal)."""
    contract.end_on = contract.end_on or read_on
    if contract.state == "active":
        contract.state = "terminating"
    switch_off_alerts(contract)
    invoice = issue_balance_invoice(contract, index=index, read_on=read_on, user=user, now=now)
    deduct_prepayments(invoice, contract, user=user, now=now)  # E1: what was paid on account
    effect = (f"Facture de solde {invoice.number} : {money(invoice.total, contract.point.commune.currency)}"
              f"{f' ({why}, index de dépose)' if why else ''} (E8).")
    if dossier is not None:
        invoice.dossier_id = dossier.id
        add_event(dossier, "balance_invoice", f"{effect[:-1]}, index {index} du {read_on:%d/%m/%Y}.", user, now)
    return [effect]


def free_delivery_point(contract: Contract, *, day: date, remove_meter: bool, user: User, now: datetime) -> list[str]:
    """E11/E12: the contract is fully terminated; the meter removed and the point freed (not for MT)."""
    contract.state, contract.fully_terminated_on = "terminated", day
    contract.end_on = contract.end_on or day
    point = contract.point
    if remove_meter:
        for meter in point.meters:
            meter.removed_on = meter.removed_on or day
        point.state = "removed"
    else:
        point.state = "closed"
    point.closed_on = day
    record("fully_terminate_contract", "contract", contract.id, user=user, at=now, day=day.isoformat(),
           meter_removed=remove_meter)
    if remove_meter:
        return [f"Compteur déposé, contrat {contract.number} entièrement résilié, point {point.ref} libéré (E11)."]
    return [f"Contrat MT {contract.number} entièrement résilié sans dépose de compteur (E12)."]


def latest_invoice(contract: Contract, kinds: tuple[str, ...], *, live: bool = False) -> Invoice | None:
    query = select(Invoice).where(Invoice.contract_id == contract.id, Invoice.kind.in_(kinds))
    if live:
        query = query.where(Invoice.state != "cancelled")
    return db.session.scalar(query.order_by(Invoice.id.desc()))
