"""Intake of a departure (water, P_NAT_CLI_13) from the customer page: what the form must show (W1, W3,
W4, W6, W22), the commune check (W1) and the dispatch to the water paths (services.water_departures);
the follow-ups of a DEP (W15 photo reading, W12 curb-stop closure). Electricity: services.termination_requests."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...errors import DomainError, NotFound
from ...extensions import db
from ...local_time import local_day
from ...models import Contract, Dossier, Meter, Order, User
from ..rules.departure_rules import (index_is_coherent, is_handled_by_us, owner_contact_required, referral_message,
                              remote_data_missing, trusted_reading_allowed)
from ..base.accounts import serves_utility
from ..rules.formats import money
from ..dossiers.dossiers import add_event, get_dossier, require_action
from ..closing.invoices import travel_fee_applies
from ..dossiers.orders import issue_order
from ..closing.deferrals import terminate_unless_field_work_pending
from .water_departures import (WaterDeparture, active_meter, announce_departure, book_reading, contest_continued_billing,
                               departure_by_newcomer, history_of, immediate_departure, last_remote,
                               unannounced_departure)

__all__ = ["WaterDeparture", "record_water_departure", "intake_context", "record_photo_reading",
           "order_curb_stop_closure", "book_new_appointment", "get_contract", "refuse_unless_ours"]


@dataclass
class Intake:
    """What the departure form needs to know before the agent fills it in."""
    contract: Contract
    meter: Meter | None
    handled: bool
    referral: str | None
    trusted: bool
    remote_missing: bool
    travel_fee: str | None
    owner_needed: bool
    open_dsi: list[Dossier]

    @property
    def prefill(self) -> dict[str, str]:
        """The customer's e-mail and mobile on file: the intake form starts from them (W7, W13)."""
        customer = self.contract.customer
        return {k: v for k, v in (("email", customer.email), ("mobile", customer.mobile)) if v}


def get_contract(contract_id: int, user: User | None = None) -> Contract:
    """The contract; with the acting user, only one of their utility (another utility's is "not found")."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or (user is not None and not serves_utility(user, contract.point.commune.utility)):
        raise NotFound("Contrat introuvable.")
    return contract


def intake_context(contract_id: int, today: date, user: User | None = None) -> Intake:
    """W1, W3, W4, W6, W22 as the form shows them: can we handle it, is the reading trusted, the fee."""
    contract = get_contract(contract_id, user)
    commune, meter = contract.point.commune, active_meter(contract)
    remote = last_remote(meter)
    missing = remote_data_missing(meter, remote.read_on if remote else None, today)
    fee = money(commune.travel_fee_amount or 0, commune.currency) if travel_fee_applies(commune, own_failure=missing) else None
    known = {c.role for c in contract.point.contacts}
    dsi = list(db.session.scalars(select(Dossier).where(Dossier.contract_id == contract.id, Dossier.type == "DSI",
                                                        Dossier.state == "open")))
    handled = is_handled_by_us(commune, contract.service) and contract.state == "active"
    referral = None if handled else referral_message(commune) if contract.state == "active" else \
        f"Le contrat {contract.number} n'est pas actif : aucune nouvelle demande de départ possible."
    return Intake(contract, meter, handled, referral, trusted_reading_allowed(meter, today), missing, fee,
                  owner_contact_required(contract.point.rented, known), dsi)


def refuse_unless_ours(contract: Contract) -> None:
    """W1: before anything, the commune's facts say whether we handle this contract."""
    if contract.state != "active":
        raise DomainError(f"Le contrat {contract.number} n'est pas actif : aucune résiliation possible.")
    if not is_handled_by_us(contract.point.commune, contract.service):
        raise DomainError(referral_message(contract.point.commune))


def record_water_departure(contract_id: int, req: WaterDeparture, *, user: User, now: datetime) -> Dossier:
    """Dispatch on the kind of departure; commits; returns the dossier to show next."""
    contract = get_contract(contract_id, user)
    refuse_unless_ours(contract)
    handler = {"announced": announce_departure, "immediate": immediate_departure,
               "unannounced": unannounced_departure, "newcomer": departure_by_newcomer,
               "contest": contest_continued_billing}.get(req.kind)
    if handler is None:
        raise DomainError("Type de départ inconnu.", {"kind": ["Choisir le type de départ."]})
    req = follow_open_departures(contract, req, local_day(now, "water"))
    try:
        dossier = handler(contract, req, user=user, now=now)
    except DomainError:
        db.session.rollback()  # nothing of a refused intake stays, not even the numbers it drew
        raise
    db.session.commit()
    return dossier


def open_departure(contract: Contract, dossier_type: str) -> Dossier | None:
    return db.session.scalar(select(Dossier).where(Dossier.contract_id == contract.id, Dossier.type == dossier_type,
                                                   Dossier.state == "open").order_by(Dossier.id.desc()))


def follow_open_departures(contract: Contract, req: WaterDeparture, today: date) -> WaterDeparture:
    """One departure at a time: a DEP in progress is continued from its page, an announced departure is
    postponed rather than announced twice, and an immediate departure confirms the open DSI (W10)."""
    if req.kind == "newcomer":
        return req
    dep = open_departure(contract, "DEP")
    if dep is not None:
        raise DomainError(f"Un départ est déjà en cours pour ce contrat : dossier {dep.ref}.", {"kind": [dep.ref]})
    dsi = open_departure(contract, "DSI")
    if req.kind == "announced" and dsi is not None:
        raise DomainError(f"Départ déjà annoncé (dossier {dsi.ref}) : le décaler depuis son dossier (W10).",
                          {"kind": [dsi.ref]})
    if req.kind == "immediate" and (req.departure_on or today) > today:
        raise DomainError("Départ à venir : enregistrer un départ annoncé (DSI, W7).",
                          {"departure_on": ["Date future : choisir « Départ annoncé »."]})
    if req.kind == "immediate" and dsi is not None and not req.dsi_id:
        req.dsi_id = dsi.id
    return req


def record_photo_reading(dossier_id: int, *, index: int, photo_on: date, user: User, now: datetime) -> Dossier:
    """W15: the customer's timestamped photo arrived: terminate at its date and index, no travel fee."""
    dep = get_dossier(dossier_id, user)
    require_action(dep, "photo_reading", "Relevé par photo")
    contract = get_contract(dep.contract_id)
    meter = active_meter(contract)
    if not index_is_coherent(index, history_of(meter), photo_on, meter.dials if meter else None):
        raise DomainError("Index de la photo incohérent avec l'historique : prendre un rendez-vous de relevé.",
                          {"index": ["Index incohérent."]})
    terminate_unless_field_work_pending(contract, end_on=photo_on, index=index, read_on=photo_on, source="customer",
                                        travel_fee=False, dossier=dep, user=user, now=now)
    db.session.commit()
    return dep


def book_new_appointment(dossier_id: int, day: date, *, user: User, now: datetime) -> Order:
    """W12/W15: the meter could not be read (absent, no access): a new READING appointment, billed with the
    travel fee where allowed, never when the visit comes from our remote-reading failure (W22)."""
    dep = get_dossier(dossier_id, user)
    require_action(dep, "appointment", "Nouveau rendez-vous de relevé")
    if day < local_day(now, "water"):
        raise DomainError("La date du rendez-vous ne peut pas être passée.", {"new_date": ["Date passée."]})
    contract = get_contract(dep.contract_id)
    own_failure = db.session.scalar(select(Dossier.id).where(Dossier.contract_id == contract.id,
                                                             Dossier.type == "INF_TELE")) is not None
    order = book_reading(contract, dep, day, travel_fee_applies(contract.point.commune, own_failure=own_failure),
                         "nouveau rendez-vous", user=user, now=now)
    db.session.commit()
    return order


def order_curb_stop_closure(dossier_id: int, *, user: User, now: datetime) -> Order:
    """W12: no access to the meter of an individual house: a curb-stop closure meanwhile; the contract
    stays in the customer's name and keeps being billed."""
    dep = get_dossier(dossier_id, user)
    require_action(dep, "curb_stop", "Fermeture sur bouche à clé")
    contract = get_contract(dep.contract_id)
    order = issue_order("CLOSURE", contract.point, now=now, dossier=dep, contract_id=contract.id, user=user,
                        instructions="Compteur inaccessible : fermeture sur bouche à clé en attendant l'accès. "
                                     "Le contrat n'est pas résilié.")
    add_event(dep, "curb_stop", f"Fermeture sur bouche à clé demandée, ordre {order.ref} ; le contrat reste actif (W12).",
              user, now)
    db.session.commit()
    return order
