"""Closing a contract from an accepted field report: the bridge from the review to the termination and
billing use cases (services.terminations, services.invoices), and freeing the delivery point (E11)."""
from datetime import date, datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Contract, Dossier, DossierEvent, Invoice, User
from .audit import record
from .counters import next_ref

BRANCH_LABELS = {"predecessor": "information par le prédécesseur", "third_party": "information par un tiers",
                 "field": "information du terrain", "vacant": "logement vacant"}

try:  # the procedures' and billing use cases; until they land, the smallest stand-ins below
    from .terminations import terminate_contract
except ImportError:  # pragma: no cover
    terminate_contract = None
try:
    from .invoices import issue_balance_invoice
except ImportError:  # pragma: no cover
    issue_balance_invoice = None


def terminate_on_field_reading(contract: Contract, *, index: int, read_on: date, travel_fee: bool,
                               dossier: Dossier | None, user: User, now: datetime) -> list[str]:
    """W14/W15: terminate at the field index (closing invoice, with the fee the order announced), close
    the DEP and open the ASI whose branch follows what is known of the successor."""
    switch_off_alerts(contract)
    if terminate_contract is not None:
        terminate_contract(contract, end_on=read_on, index=index, read_on=read_on, source="agent",
                           travel_fee=travel_fee, dossier=dossier, user=user, now=now)
    else:
        terminate_without_billing(contract, read_on=read_on, dossier=dossier, user=user, now=now)
    invoice = latest_invoice(contract, ("closing", "credit_note"))
    effects = [f"Contrat {contract.number} résilié au {read_on.strftime('%d/%m/%Y')} (W14/W15)."]
    if invoice is not None:
        effects.append(f"Facture d'arrêt de compte {invoice.number} : {invoice.total} (W17).")
    if dossier is not None and dossier.state != "open":
        effects.append(f"Dossier {dossier.ref} clos.")
    arrival = db.session.scalar(select(Dossier).where(Dossier.delivery_point_id == contract.delivery_point_id,
                                                      Dossier.type == "ASI", Dossier.state == "open")
                                .order_by(Dossier.id.desc()))
    if arrival is not None:
        effects.append(f"Dossier {arrival.ref} ouvert (arrivée, branche « {BRANCH_LABELS.get(arrival.branch, arrival.branch)} »).")
    return effects


def issue_balance(contract: Contract, *, index: int, read_on: date, user: User, now: datetime) -> list[str]:
    """E8: once the cut-off (or anticipated reading) is countersigned, the balance invoice is computed."""
    contract.end_on = contract.end_on or read_on
    if contract.state == "active":
        contract.state = "terminating"
    switch_off_alerts(contract)
    if issue_balance_invoice is None:
        record("balance_pending", "contract", contract.id, user=user, at=now, index=index)
        return [f"Index de coupure {index} retenu ; facture de solde à établir (E8)."]
    invoice = issue_balance_invoice(contract, index=index, read_on=read_on, user=user, now=now)
    return [f"Facture de solde {invoice.number} : {invoice.total} {contract.point.commune.currency} (E8)."]


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


def switch_off_alerts(contract: Contract) -> None:
    """W13: the leaving customer's leak and consumption alerts are switched off."""
    for meter in contract.point.meters:
        meter.leak_alert = meter.consumption_alert = False


def latest_invoice(contract: Contract, kinds: tuple[str, ...]) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.contract_id == contract.id, Invoice.kind.in_(kinds))
                             .order_by(Invoice.id.desc()))


def terminate_without_billing(contract: Contract, *, read_on: date, dossier: Dossier | None, user: User,
                              now: datetime) -> None:
    """Stand-in for services.terminations.terminate_contract while it has not landed: the contract
    ends, the DEP closes, the ASI opens (W14, W18); the closing invoice is the billing module's."""
    contract.state, contract.end_on = "terminated", read_on
    record("terminate_contract", "contract", contract.id, user=user, at=now, end_on=read_on.isoformat())
    if dossier is None:
        return
    dossier.state, dossier.closed_on = "closed", now.date()
    successor = (dossier.data or {}).get("successor")
    asi = Dossier(ref=next_ref("ASI"), type="ASI", branch="predecessor" if successor else "vacant", state="open",
                  utility=dossier.utility, delivery_point_id=contract.delivery_point_id, requested_on=now.date(),
                  step="vacant" if not successor else "announced", data={"from": dossier.ref})
    db.session.add(asi)
    db.session.flush()
    for d, message in ((dossier, "Dossier clos après le relevé terrain."), (asi, f"Ouvert à la clôture de {dossier.ref}.")):
        db.session.add(DossierEvent(dossier_id=d.id, at=now, kind="closed" if d is dossier else "opened",
                                    message=message, user_id=user.id))
    record("close_dossier", "dossier", dossier.id, user=user, at=now)
    record("open_dossier", "dossier", asi.id, user=user, at=now, type="ASI", branch=asi.branch)
