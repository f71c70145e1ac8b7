"""Terminating a contract at a reading (W2, W14, W15, W17, W18): the closing invoice, the contract's end,
the departure dossiers closed (W9), the arrival dossier opened with the right branch, alerts off (W13).
Called by the intake (services.departures) and by the review of field reports (services.closings)."""
from datetime import date, datetime

from ...errors import IllegalTransition
from ...extensions import db
from ...local_time import local_day
from ...labels import LABELS
from ...models import Contract, Customer, Dossier, User
from ..base.audit import record
from ..rules.departure_rules import arrival_branch, vacant_letter_day
from ..dossiers.dossiers import add_event, close_departure_dossiers, end_dossier, open_dossier
from .invoices import issue_closing_invoice

BRANCH_LABELS = {"predecessor": "information par le prédécesseur", "third_party": "information par un tiers",
                 "field": "information du terrain", "vacant": "logement vacant"}


def terminate_contract(contract: Contract, *, end_on: date, index: int, read_on: date, source: str,
                       travel_fee: bool, dossier: Dossier | None, user: User | None, now: datetime,
                       successor: dict | None = None) -> Dossier | None:
    """Terminate `contract` at `index` (closing invoice or credit note, W17), close its DEP `dossier` and
    any open DSI (W9), switch the meter's alerts off (W13) and, for water, open the ASI whose branch
    follows the successor (W14/W18: `successor` or the DEP's data["successor"]; none → vacant dwelling).
    An end date fixed at intake (W12, dossier.data["end_on"]) wins over `end_on`.
    Adds and flushes; the caller commits. Returns the ASI opened, if any."""
    if contract.state == "terminated":  # a second report or a double click must not bill the closing twice
        raise IllegalTransition(f"Le contrat {contract.number} est déjà résilié"
                                f"{f' au {contract.end_on:%d/%m/%Y}' if contract.end_on else ''}.")
    fixed = (dossier.data or {}).get("end_on") if dossier is not None else None
    end_on = date.fromisoformat(fixed) if fixed else end_on
    issue_closing_invoice(contract, end_on=end_on, index=index, read_on=read_on, source=source,
                          travel_fee=travel_fee, dossier=dossier, user=user, now=now)
    contract.state, contract.end_on = "terminated", end_on
    switch_off_alerts(contract)
    record("terminate_contract", "contract", contract.id, user=user, at=now, end_on=end_on.isoformat(),
           index=index, source=source, travel_fee=travel_fee)
    if dossier is not None and dossier.state == "open":
        add_event(dossier, "terminated", f"Contrat {contract.number} résilié au {end_on:%d/%m/%Y}, index {index} "
                                         f"({LABELS['reading_source'].get(source, source)})"
                                         f"{' avec frais de déplacement' if travel_fee else ''}.", user, now)
        end_dossier(dossier, "closed", "Dossier de départ clos après la résiliation (W14).", user=user, now=now)
    close_departure_dossiers(contract, except_id=dossier.id if dossier else None, user=user, now=now)
    if contract.service == "electricity":
        return None
    known = successor if successor is not None else (dossier.data or {}).get("successor") if dossier else None
    arrival = open_arrival(contract, known, origin=dossier, user=user, now=now)
    if dossier is not None:
        add_event(dossier, "arrival_opened", f"Dossier d'arrivée {arrival.ref} ouvert "
                                             f"({BRANCH_LABELS[arrival.branch]}).", user, now)
    return arrival


def open_arrival(contract: Contract, successor: dict | None, *, origin: Dossier | None, user: User | None,
                 now: datetime) -> Dossier:
    """W18: successor known → ASI on the prospect ("information par le prédécesseur"); unknown → ASI
    "logement vacant", whose W19 timeline starts today on the business calendar."""
    branch = arrival_branch(successor)
    prospect = db.session.get(Customer, successor["prospect_id"]) if successor and successor.get("prospect_id") else None
    vacant = branch == "vacant"
    return open_dossier(
        "ASI", utility="water", requested_on=local_day(now, "water"), now=now, user=user, point=contract.point, customer=prospect,
        branch=branch, step="vacant" if vacant else "announced",
        due_on=vacant_letter_day(local_day(now, "water")) if vacant else None,
        data={"from": origin.ref if origin else None, "previous_contract": contract.number,
              "successor": successor or None},
        message=f"Arrivée signalée (branche « {BRANCH_LABELS[branch]} ») après la résiliation du contrat "
                f"{contract.number}" + (f" ; successeur {successor['name']}." if not vacant else "."))


def switch_off_alerts(contract: Contract) -> bool:
    """W13: the leaving customer's leak and consumption alerts are switched off; True when one was on."""
    was_on = False
    for meter in contract.point.meters:
        was_on = was_on or meter.leak_alert or meter.consumption_alert
        meter.leak_alert = meter.consumption_alert = False
    return was_on
