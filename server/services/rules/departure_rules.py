"""The decisions of the departure procedures (DESIGN.md §4) as plain functions of plain values: no
database, no clock. Each function is named after what it decides and carries its rule id."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from .calendar import BusinessCalendar, add_working_days, months_before

TRUST_WINDOW_MONTHS = 12         # W3: meter seen by an agent within the last 12 calendar months
REMINDER_AFTER_DAYS = 10         # W8: calendar days after the planned departure
ANALYSIS_AFTER_DAYS = 30
LETTER_AFTER_WORKING_DAYS = 10   # W19: on the business calendar
CLOSURE_AFTER_WORKING_DAYS = 30
OPEN_LIMIT_DAYS = 30             # W23: a dossier still open more than 30 days after the request
WAREHOUSE_FRESH_DAYS = 45        # W22: a remote-read meter with no index this recent has "no data"
DAILY_FLOOR = 2.0                # coherence: a plausible daily consumption never judged below this
COHERENCE_SLACK = 5              # coherence: a few units more are always plausible (reading rounding)


def is_handled_by_us(commune, service: str) -> bool:
    """W1: the commune's facts (TPMC) say whether we handle the departure: where we run only sewage, the
    water manager takes it (and passes the closing on to us); electricity where we run electricity."""
    if service == "electricity":
        return bool(commune.runs_electricity)
    return bool(commune.runs_water) and (service == "water" or bool(commune.runs_sewage))


def referral_message(commune) -> str:
    """W1: where to send a customer of a commune where we run only sewage."""
    manager = commune.water_manager or "le gestionnaire de l'eau de la commune"
    return (f"À {commune.name}, nous ne gérons pas la distribution d'eau : le client doit signaler son départ "
            f"à {manager}, qui nous transmettra l'arrêt de compte de l'assainissement.")


def trusted_reading_allowed(meter, today: date) -> bool:
    """W3: a customer's reading is trusted only if an agent saw the meter in the last 12 months, or
    the meter is remote-read (the warehouse then has the index)."""
    if meter is None:
        return False
    if meter.reading_mode == "remote":
        return True
    return meter.last_seen_on is not None and meter.last_seen_on >= months_before(today, TRUST_WINDOW_MONTHS)


def contract_end_date(*, departure_on: date, trusted: bool, reading_on: date | None) -> date:
    """W2: the day the customer leaves with a trusted reading, else the day of the agent's real reading."""
    if trusted:
        return departure_on
    return reading_on or departure_on


def unannounced_end_date(*, call_on: date, proof_on: date | None = None) -> date:
    """W12 (DESIGN §4.1): an unannounced departure ends on the day of the call. The customer owes everything
    until they report it; an inventory or a photo has no legal value: it may give the index, never an earlier
    end date."""
    return call_on


def proof_gives_the_index(*, proof_on: date | None, coherent: bool, last_billed_on: date | None) -> bool:
    """W12/W15 (DESIGN §4.1): the inventory or timestamped photo of a departure reported late gives the index
    only when it is coherent and not older than the last billed reading (what was billed and paid stays owed:
    nothing is credited back)."""
    return proof_on is not None and coherent and (last_billed_on is None or proof_on >= last_billed_on)


def field_end_date(*, device_day: date, received_on: date) -> date:
    """W2 (DESIGN §4.1): the day of a field reading is the device's, never after the server's receipt day
    (a fast device clock is flagged on the report, not believed)."""
    return min(device_day, received_on)


def index_is_coherent(index: int, history: list[tuple[date, int]], on: date, dials: int | None = None) -> bool:
    """W14/W15/W17/E4 (DESIGN §4.1): an index is judged against the readings around its own date, not the
    latest one. From the reading before it, it must not go back (unless the meter's dials rolled over, when
    dials is given) and the daily consumption must stay within three times the meter's usual daily
    consumption (never below a small floor), plus a few units of slack; it must not pass the reading after
    it. An index dated before the last billed reading is therefore coherent when it lies between its
    neighbours (then a credit note, W17)."""
    if not history:
        return index >= 0
    ordered = sorted(history)
    before = [reading for reading in ordered if reading[0] <= on]
    after = [reading for reading in ordered if reading[0] > on]
    usual = usual_daily_consumption(ordered)
    if before and not follows_reading(index, before[-1], on, usual, dials):
        return False
    return not after or precedes_reading(index, after[0], before[-1] if before else None)


def usual_daily_consumption(ordered: list[tuple[date, int]]) -> float:
    (first_on, first_index), (last_on, last_index) = ordered[0], ordered[-1]
    span = (last_on - first_on).days
    return max(last_index - first_index, 0) / span if span > 0 else 0.0


def follows_reading(index: int, previous: tuple[date, int], on: date, usual: float, dials: int | None) -> bool:
    previous_on, previous_index = previous
    if index < previous_index and dials:
        index += 10 ** dials  # a rollover past the last dial is plausible only for a small consumption
    if index < previous_index:
        return False
    days = max((on - previous_on).days, 1)
    return index - previous_index <= max(3 * usual, DAILY_FLOOR) * days + COHERENCE_SLACK


def precedes_reading(index: int, following: tuple[date, int], previous: tuple[date, int] | None) -> bool:
    """The index is not above the reading after it (unless that one rolled over past the last dial)."""
    rolled_over = previous is not None and following[1] < previous[1]
    return rolled_over or index <= following[1]


def matches_warehouse(index: int, warehouse_index: int | None, tolerance: int = 2) -> bool:
    """W13: for a remote-read meter the customer's index is checked against the warehouse (EMC)."""
    return warehouse_index is None or abs(index - warehouse_index) <= max(tolerance, warehouse_index // 100)


def remote_data_missing(meter, last_remote_on: date | None, today: date) -> bool:
    """W22: a remote-read meter whose warehouse has no recent index (a remote-reading failure)."""
    if meter is None or meter.reading_mode != "remote":
        return False
    return last_remote_on is None or (today - last_remote_on).days > WAREHOUSE_FRESH_DAYS


def owner_contact_required(rented: bool, known_roles: set[str]) -> bool:
    """W6: for a rented dwelling the owner's or manager's contacts are collected, successor or not."""
    return rented and not known_roles & {"owner", "manager", "agency", "landlord", "notary"}


def owner_contacts_to_verify(rented: bool, successor_known: bool) -> bool:
    """W18: with no known successor, the owner / agency / notary / social landlord contacts of a rented
    dwelling are verified with the departing customer (and updated)."""
    return rented and not successor_known


def announced_departure_errors(*, email: str | None, mobile: str | None, planned_on: date | None,
                               today: date) -> dict[str, list[str]]:
    """W7: an announced departure needs its planned date, the e-mail and the mobile of the customer."""
    errors: dict[str, list[str]] = {}
    if not (email or "").strip():
        errors["email"] = ["L'e-mail est obligatoire pour un départ annoncé (relance automatique)."]
    if not (mobile or "").strip():
        errors["mobile"] = ["Le mobile est obligatoire pour un départ annoncé (relance automatique)."]
    if planned_on is None:
        errors["departure_on"] = ["La date prévisionnelle de départ est obligatoire."]
    elif planned_on < today:
        errors["departure_on"] = ["Le départ est déjà passé : enregistrer un départ immédiat ou non signalé."]
    return errors


def reminder_day(planned_on: date) -> date:
    """W8: the reminder goes out 10 calendar days after the planned departure."""
    return planned_on + timedelta(days=REMINDER_AFTER_DAYS)


def analysis_day(planned_on: date) -> date:
    """W8: the analysis task reaches the back office 30 calendar days after the planned departure."""
    return planned_on + timedelta(days=ANALYSIS_AFTER_DAYS)


def vacant_letter_day(opened_on: date, calendar: "str | BusinessCalendar | None" = None) -> date:
    """W19: letter 1-70 ten working days after the vacant-dwelling ASI opened."""
    return add_working_days(opened_on, LETTER_AFTER_WORKING_DAYS, calendar)


def vacant_closure_day(opened_on: date, calendar: "str | BusinessCalendar | None" = None) -> date:
    """W19: closure order CEO11 thirty working days after the vacant-dwelling ASI opened."""
    return add_working_days(opened_on, CLOSURE_AFTER_WORKING_DAYS, calendar)


def open_limit_day(requested_on: date) -> date:
    """W23: the first day a dossier is still open more than 30 days after its request."""
    return requested_on + timedelta(days=OPEN_LIMIT_DAYS + 1)


def arrival_branch(successor: dict | None) -> str:
    """W14/W18: the ASI branch follows what is known of the successor; unknown means vacant."""
    if not successor or not (successor.get("name") or "").strip():
        return "vacant"
    return successor.get("source") if successor.get("source") in ("predecessor", "third_party", "field") \
        else "predecessor"


def dsi_may_close(contract_state: str | None) -> bool:
    """W9: a DSI closes only once the departing customer's contract is terminated."""
    return contract_state == "terminated"


@dataclass
class Cancellation:
    """W10: what a customer's cancellation does to the DSI, its analysis task and its field orders."""
    dossier_state: str
    finish_task: bool = False
    cancel_orders: list[int] = field(default_factory=list)
    finish_return_of: list[int] = field(default_factory=list)


def cancellation_outcome(days_since_planned: int, task_state: str | None,
                         field_orders: list[tuple[int, str]]) -> Cancellation:
    """W10: days 0–9 cancel the DSI; days 10–29 close it as treated; from day 30 a pending analysis task
    is finished and the DSI treated; if the task was done, a realised field order has its return task
    finished and an unrealised one is cancelled. `field_orders` are (order id, state) pairs."""
    if days_since_planned < REMINDER_AFTER_DAYS:
        return Cancellation("cancelled")
    if days_since_planned < ANALYSIS_AFTER_DAYS or task_state is None:
        return Cancellation("treated")
    if task_state == "open":
        return Cancellation("treated", finish_task=True)
    pending = [(oid, state) for oid, state in field_orders if state not in ("closed", "cancelled")]
    return Cancellation("treated", cancel_orders=[oid for oid, s in pending if s in ("issued", "assigned")],
                        finish_return_of=[oid for oid, s in pending if s in ("reported", "countersigned")])


def suspension_allowed() -> bool:
    """E1: no temporary suspension of supply; the customer may prepay on account instead."""
    return False


def termination_order_type(anticipated: bool) -> str:
    """E5: a classic termination is an interruption with reading (CUTOFF); an anticipated one a READING."""
    return "READING" if anticipated else "CUTOFF"


def requester_errors(name: str | None, identity: str | None) -> dict[str, list[str]]:
    """E2: the requester's identity is recorded on the termination order (who signs it, once it is printed or
    shown on the counter's screen: services.intake.termination_requests.record_requester_signature)."""
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["requester_name"] = ["Le nom du demandeur est obligatoire (E2)."]
    if not (identity or "").strip():
        errors["requester_identity"] = ["La pièce d'identité du demandeur est obligatoire (E2)."]
    return errors


def meter_removed_at_termination(voltage: str | None) -> bool:
    """E12: BT and MT contracts are terminated alike, but an MT meter is not removed."""
    return voltage != "MT"


def removal_due(voltage: str | None, end_on: date | None, today: date) -> bool:
    """E10: the removal order is issued by itself on the termination date (never for MT, E12)."""
    return meter_removed_at_termination(voltage) and end_on is not None and end_on <= today


@dataclass
class ContestedBilling:
    """W20: what a customer's contest of the billing that went on after they left leads to."""
    backdate: bool
    cancel_invoices: list[int] = field(default_factory=list)
    refund_invoices: list[int] = field(default_factory=list)


def contested_billing_outcome(reported_on: date | None, invoices: list[tuple[int, date | None, str]]) -> ContestedBilling:
    """W20 (DESIGN §4.1): everything is owed until the departure was reported and paid invoices are not
    refunded; but if we failed to terminate when told (`reported_on`), the invoices issued since are cancelled
    (their readings no longer count as billed), those already paid are refunded once, and the termination is
    backdated to the real date and index. `invoices` are (id, issued on, state)."""
    if reported_on is None:
        return ContestedBilling(backdate=False)
    contested = [(iid, state) for iid, issued_on, state in invoices
                 if state not in ("cancelled", "draft") and issued_on and issued_on >= reported_on]
    return ContestedBilling(backdate=True, cancel_invoices=[iid for iid, _ in contested],
                            refund_invoices=[iid for iid, state in contested if state == "paid"])


def vacant_dwelling_may_proceed(active_contracts_on_point: int) -> bool:
    """W19 (DESIGN §4.1): no letter 1-70 and no CEO11 closure while any contract is active on the point."""
    return active_contracts_on_point == 0
