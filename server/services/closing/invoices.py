"""Closing, takeover and balance invoices: reading the facts from the database, computing the lines with
services.invoice_lines, numbering and recording (W4, W5, W17, W22, E4, E8). Adds and flushes; the caller
commits."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from ...errors import DomainError, IllegalTransition, NotFound
from ...extensions import db
from ...models import Commune, Contract, Customer, DeliveryPoint, Dossier, Invoice, Meter, Reading, Tariff, User
from ..base import scope
from ..base.audit import record
from ..base.counters import next_ref
from ..base.paging import scalars_page
from ..base.text_search import name_lookup, starts_with
from ..rules.paging import FIRST_PAGE, Page, PageRequest
from ..rules.invoice_lines import (ClosingFacts, Line, Refund, closing_lines, fr_date, is_credit_note, new_subscription_lines,
                                   total_of)


def travel_fee_applies(commune: Commune, *, own_failure: bool) -> bool:
    """W4: a reading visit is billed where the commune's service rules allow it; W22: never when the
    visit comes from our own remote-reading failure."""
    return bool(commune.travel_fee_allowed) and not own_failure


def issue_closing_invoice(contract: Contract, *, end_on: date, index: int, read_on: date, source: str,
                          travel_fee: bool, dossier: Dossier | None = None, user: User | None = None,
                          now: datetime) -> Invoice:
    """W17: the closing invoice (or credit note) at the end date, after checking nobody took the
    contract over; water invoices are issued at once, electricity ones wait for the controller. A deposit
    is settled on it, as on every termination (DESIGN §4.1)."""
    refuse_if_taken_over(contract, end_on)
    refuse_if_already_closed(contract)
    return _closing(contract, end_on=end_on, index=index, read_on=read_on, source=source,
                    travel_fee=travel_fee, dossier=dossier, user=user, now=now, deposit=contract.deposit_amount)


def issue_takeover_invoices(old_contract: Contract, new_contract: Contract, *, index: int, read_on: date,
                            user: User | None = None, now: datetime) -> tuple[Invoice, Invoice]:
    """E4: the termination invoice of the leaving customer (its deposit deducted: the contract's balance,
    E3/E9) and the successor's subscription invoice, both at the takeover index; both issued at once (the
    customers go straight to the cashier)."""
    termination = _closing(old_contract, end_on=read_on, index=index, read_on=read_on, source="customer",
                           travel_fee=False, dossier=None, user=user, now=now, state="issued",
                           deposit=old_contract.deposit_amount)
    tariff = tariff_in_force(new_contract.point.commune_id, new_contract.service, read_on)
    lines, prepaid_until = new_subscription_lines(
        currency=new_contract.point.commune.currency, subscription_per_year=tariff.subscription_per_year,
        vat_rate=tariff.vat_rate, start_on=read_on, deposit=new_contract.deposit_amount or Decimal(0))
    new_contract.prepaid_until = prepaid_until
    subscription = _save(new_contract, "subscription", lines, state="issued", now=now, user=user,
                         period=(read_on, prepaid_until), reading=(index, read_on, "customer"))
    return termination, subscription


def issue_balance_invoice(contract: Contract, *, index: int, read_on: date, user: User | None = None,
                          now: datetime) -> Invoice:
    """E8: the electricity balance at the cut-off index, the deposit deducted; a negative total is a
    refund due to the deposit payer (E3). A draft until the controller checks it."""
    refuse_if_taken_over(contract, read_on)
    refuse_if_already_closed(contract)
    return _closing(contract, end_on=read_on, index=index, read_on=read_on, source="agent", travel_fee=False,
                    dossier=None, user=user, now=now, kind="balance", deposit=contract.deposit_amount)


def refuse_if_taken_over(contract: Contract, end_on: date) -> None:
    """W17: a new occupant who already subscribed at the premises before the end date means the
    departure is a transfer (W11), not a closing."""
    other = db.session.scalar(select(Contract).where(
        Contract.delivery_point_id == contract.delivery_point_id, Contract.service == contract.service,
        Contract.id != contract.id, Contract.start_on > contract.start_on, Contract.start_on < end_on))
    if other is not None:
        raise DomainError(
            f"Un nouvel occupant a déjà repris ce point (contrat {other.number} depuis le "
            f"{fr_date(other.start_on)}) : traiter le départ comme une mutation, pas une clôture.",
            {"end_on": ["Date de fin postérieure à la reprise par un nouvel occupant."]})


def refuse_if_already_closed(contract: Contract) -> None:
    """A contract is closed by one invoice; to redo it (W20 backdated termination, a controller's refusal)
    the previous one is cancelled first."""
    previous = db.session.scalar(select(Invoice).where(
        Invoice.contract_id == contract.id, Invoice.kind.in_(("closing", "credit_note", "balance")),
        Invoice.state != "cancelled"))
    if previous is not None:
        raise DomainError(f"Le contrat {contract.number} a déjà sa facture de clôture {previous.number} : "
                          "l'annuler avant d'en établir une autre.")


def tariff_in_force(commune_id: int, service: str, day: date) -> Tariff:
    """The commune's tariff valid on that day (the oldest one when the day precedes them all)."""
    query = select(Tariff).where(Tariff.commune_id == commune_id, Tariff.service == service)
    tariff = (db.session.scalar(query.where(Tariff.valid_from <= day).order_by(Tariff.valid_from.desc()))
              or db.session.scalar(query.order_by(Tariff.valid_from)))
    if tariff is None:
        raise DomainError(f"Aucun tarif « {service} » n'est défini pour cette commune : facture impossible.")
    return tariff


def billing_meter(contract: Contract) -> Meter | None:
    meters = contract.point.meters
    in_place = [m for m in meters if m.removed_on is None]
    return (in_place or meters or [None])[-1]


def last_billed_reading(meter: Meter | None) -> Reading | None:
    """Billing starts again from the last billed index of the meter-readings warehouse (W17)."""
    if meter is None:
        return None
    return db.session.scalar(select(Reading).where(Reading.meter_id == meter.id, Reading.billed.is_(True))
                             .order_by(Reading.read_on.desc(), Reading.id.desc()))


def closing_facts(contract: Contract, *, end_on: date, index: int, travel_fee: bool,
                  deposit: Decimal | None) -> tuple[ClosingFacts, Meter | None]:
    commune = contract.point.commune
    tariff = tariff_in_force(commune.id, contract.service, end_on)
    meter = billing_meter(contract)
    billed = last_billed_reading(meter)
    fee = Decimal(commune.travel_fee_amount or 0) if travel_fee and commune.travel_fee_allowed else None
    facts = ClosingFacts(
        currency=commune.currency, service=contract.service, unit_price=tariff.unit_price,
        subscription_per_year=tariff.subscription_per_year, vat_rate=tariff.vat_rate,
        previous_index=billed.index if billed else 0, previous_date=billed.read_on if billed else contract.start_on,
        index=index, end_on=end_on, dials=meter.dials if meter else None, prepaid_until=contract.prepaid_until,
        travel_fee=fee or None, deposit=Decimal(deposit) if deposit else None, refunds=contested_refunds(contract))
    return facts, meter


def contested_refunds(contract: Contract) -> tuple[Refund, ...]:
    """W20: the paid invoices of the contract cancelled by a contest. Only the contract's one live closing
    invoice carries them (refuse_if_already_closed), so each is refunded once."""
    paid_then_cancelled = db.session.scalars(select(Invoice).where(
        Invoice.contract_id == contract.id, Invoice.kind == "periodic", Invoice.state == "cancelled",
        Invoice.paid_on.is_not(None)).order_by(Invoice.issued_on, Invoice.id))
    return tuple(Refund(i.number, i.paid_on, Decimal(i.total)) for i in paid_then_cancelled)


def _closing(contract: Contract, *, end_on: date, index: int, read_on: date, source: str, travel_fee: bool,
             dossier: Dossier | None, user: User | None, now: datetime, kind: str = "closing",
             deposit: Decimal | None = None, state: str | None = None) -> Invoice:
    facts, meter = closing_facts(contract, end_on=end_on, index=index, travel_fee=travel_fee, deposit=deposit)
    if kind == "closing" and is_credit_note(end_on, facts.previous_date):
        kind = "credit_note"
    state = state or ("draft" if contract.service == "electricity" else "issued")
    invoice = _save(contract, kind, closing_lines(facts), state=state, now=now, user=user, dossier=dossier,
                    period=(facts.previous_date, end_on), reading=(index, read_on, source),
                    travel_fee=facts.travel_fee is not None)
    mark_reading_billed(meter, index=index, read_on=read_on, source=source)
    return invoice


def _save(contract: Contract, kind: str, lines: list[Line], *, state: str, now: datetime, user: User | None,
          period: tuple[date, date], reading: tuple[int, date, str], dossier: Dossier | None = None,
          travel_fee: bool = False) -> Invoice:
    invoice = Invoice(
        number=next_ref("FA"), kind=kind, state=state, contract_id=contract.id, customer_id=contract.customer_id,
        dossier_id=dossier.id if dossier else None, period_start=period[0], period_end=period[1],
        issued_on=now.date() if state == "issued" else None, total=total_of(lines), travel_fee=travel_fee,
        direct_debit=bool(contract.direct_debit), send_to=send_to(contract), reading_index=reading[0],
        reading_date=reading[1], reading_source=reading[2], lines=[line.as_json() for line in lines])
    db.session.add(invoice)
    db.session.flush()
    record("issue_invoice" if state == "issued" else "draft_invoice", "invoice", invoice.id, user=user, at=now,
           number=invoice.number, kind=kind, total=str(invoice.total), contract=contract.number)
    return invoice


def send_to(contract: Contract) -> str:
    """W17: where the closing invoice goes: the billing address, else the customer's (new) address."""
    return contract.billing_address or contract.customer.postal_address or contract.point.address


def mark_reading_billed(meter: Meter | None, *, index: int, read_on: date, source: str) -> None:
    """The closing index becomes the meter's last billed reading in the warehouse."""
    if meter is None:
        return
    reading = db.session.scalar(select(Reading).where(Reading.meter_id == meter.id, Reading.read_on == read_on,
                                                      Reading.index == index))
    if reading is None:
        reading = Reading(meter_id=meter.id, read_on=read_on, index=index, source=source)
        db.session.add(reading)
    reading.billed = True
    db.session.flush()


# --- Reading invoices --------------------------------------------------------------------------------

@dataclass(frozen=True)
class InvoiceView:
    invoice: Invoice
    contract: Contract
    refunded_on: Invoice | None = None  # W20: the closing invoice that refunds this cancelled paid bill

    @property
    def currency(self) -> str:
        return self.contract.point.commune.currency


def get_invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound("Facture introuvable.")
    return invoice


def invoice_view(invoice_id: int, user: User) -> InvoiceView:
    invoice = get_invoice(invoice_id)
    if not in_scope(user, invoice):
        raise NotFound("Facture introuvable dans votre service.")
    return InvoiceView(invoice, db.session.get(Contract, invoice.contract_id), refund_carrier(invoice))


def refund_carrier(invoice: Invoice) -> Invoice | None:
    """W20: the contract's live closing invoice on which a paid bill cancelled by a contest is refunded."""
    if invoice.kind != "periodic" or invoice.state != "cancelled" or invoice.paid_on is None:
        return None
    return db.session.scalar(select(Invoice).where(
        Invoice.contract_id == invoice.contract_id, Invoice.kind.in_(("closing", "credit_note")),
        Invoice.state != "cancelled").order_by(Invoice.id.desc()))


SEARCH_BRANCH_LIMIT = 500  # invoices taken from each indexed lookup of a search


def _matching_invoice_ids(text: str):
    """Invoice ids by invoice number or contract number (typed from their start) or customer name:
    one indexed lookup each, united (no OR across a join)."""
    code = text.upper().replace(" ", "")
    by_number = select(Invoice.id).where(starts_with(Invoice.number, code)).limit(SEARCH_BRANCH_LIMIT)
    by_contract = select(Invoice.id).where(Invoice.contract_id.in_(
        select(Contract.id).where(starts_with(Contract.number, code)).limit(SEARCH_BRANCH_LIMIT)))
    by_name = select(Invoice.id).where(Invoice.customer_id.in_(
        select(Customer.id).where(name_lookup(Customer.last_name, text)).limit(SEARCH_BRANCH_LIMIT)))
    return {i for lookup in (by_number, by_contract.limit(SEARCH_BRANCH_LIMIT), by_name.limit(SEARCH_BRANCH_LIMIT))
            for i in db.session.scalars(lookup)}


def search_invoices(text: str, user: User, *, states: tuple[str, ...] | None = None,
                    page: PageRequest = FIRST_PAGE) -> Page[Invoice]:
    """Invoices of the user's utility by invoice number, contract number or customer name; the latest
    ones when the text is empty; one page of them."""
    text = " ".join((text or "").split())
    query = select(Invoice).order_by(Invoice.id.desc())
    if states:
        query = query.where(Invoice.state.in_(states))
    if user.role != "admin" and user.utility:
        query = query.join(Contract, Invoice.contract_id == Contract.id) \
            .join(DeliveryPoint, Contract.delivery_point_id == DeliveryPoint.id) \
            .join(Commune, DeliveryPoint.commune_id == Commune.id).where(Commune.utility == user.utility)
    if text:
        ids = _matching_invoice_ids(text)
        if not ids:
            return Page.of([], page)
        query = query.where(Invoice.id.in_(ids))
    return scalars_page(query.where(scope.condition(user, Invoice)), page)


def in_scope(user: User, invoice: Invoice) -> bool:
    """Office users handle the invoices of their own utility (an admin both)."""
    return scope.may_see(user, Invoice, invoice.id)


def cancel_invoice(invoice: Invoice, reason: str, *, user: User | None, now: datetime) -> Invoice:
    """Cancel an unpaid invoice (a controller's refusal); the reading it billed is billable again, so a new
    closing starts from the right index. Flushes; the caller commits."""
    if invoice.state in ("paid", "refunded"):
        raise IllegalTransition(f"La facture {invoice.number} est réglée : elle n'est pas annulée (W20).")
    if not (reason or "").strip():
        raise DomainError("Le motif de l'annulation est obligatoire.", {"reason": ["Motif requis."]})
    invoice.state = "cancelled"
    unbill_reading_of(invoice)
    record("cancel_invoice", "invoice", invoice.id, user=user, at=now, number=invoice.number, reason=reason.strip())
    db.session.flush()
    return invoice


def cancel_contested_invoice(invoice: Invoice, *, told_in: str, user: User | None, now: datetime) -> bool:
    """W20: an invoice issued after the customer told us they left, when we failed to terminate, is cancelled
    whether paid or not; its reading no longer counts as billed. A paid one keeps its payment date and is
    refunded once, on the retroactive closing invoice (contested_refunds). Returns True when it was paid.
    Flushes; the caller commits."""
    if invoice.state == "cancelled":
        return False
    paid = invoice.state == "paid"
    invoice.paid_on = (invoice.paid_on or invoice.issued_on) if paid else None
    invoice.state = "cancelled"
    unbill_reading_of(invoice)
    record("cancel_invoice", "invoice", invoice.id, user=user, at=now, number=invoice.number, refund_due=paid,
           reason=f"W20 : départ signalé ({told_in}) sans résiliation")
    db.session.flush()
    return paid


def unbill_reading_of(invoice: Invoice) -> None:
    """The reading a cancelled invoice billed no longer counts as the last billed one (W17, W20): the one
    it names, else the billed readings of its period."""
    meter = billing_meter(db.session.get(Contract, invoice.contract_id))
    if meter is None or invoice.kind == "subscription":
        return
    query = select(Reading).where(Reading.meter_id == meter.id, Reading.billed.is_(True))
    if invoice.reading_date is not None:
        query = query.where(Reading.read_on == invoice.reading_date, Reading.index == invoice.reading_index)
    elif invoice.period_end is not None:
        query = query.where(Reading.read_on <= invoice.period_end,
                            Reading.read_on > (invoice.period_start or invoice.period_end))
    else:
        return
    for reading in db.session.scalars(query):
        reading.billed = False


PRESCRIPTION_DAYS = 730     # W21: two years after issue
WARNING_DAYS = 90           # W21: shown from three months before the limit
STATE_LABELS = {"draft": "brouillon", "checked": "contrôlée", "issued": "émise", "paid": "réglée",
                "refunded": "remboursée", "cancelled": "annulée"}


# --- W21: unpaid closing invoices nearing the two-year limit ---------------------------------------

@dataclass(frozen=True)
class OverdueInvoice:
    invoice: Invoice
    contract: Contract
    limit_on: date
    days_left: int      # negative once the limit has passed


def prescription_limit(issued_on: date) -> date:
    """W21: consumers' invoices must be settled within two years of issue."""
    return issued_on + timedelta(days=PRESCRIPTION_DAYS)


def overdue_closing_invoices(user: User, *, today: date) -> list[OverdueInvoice]:
    """W21: consumers' unpaid closing invoices whose two-year limit is within 90 days or already past, most
    urgent first."""
    cutoff = today - timedelta(days=PRESCRIPTION_DAYS - WARNING_DAYS)
    query = (select(Invoice, Contract).join(Contract, Invoice.contract_id == Contract.id)
             .join(Customer, Invoice.customer_id == Customer.id)
             .where(Customer.kind == "person")  # the two-year limit protects consumers, not organisations
             .where(Invoice.kind.in_(("closing", "balance")), Invoice.state == "issued", Invoice.total > 0,
                    Invoice.issued_on <= cutoff, scope.condition(user, Invoice))
             .order_by(Invoice.issued_on, Invoice.id).limit(500))
    return [OverdueInvoice(i, c, prescription_limit(i.issued_on), (prescription_limit(i.issued_on) - today).days)
            for i, c in db.session.execute(query)]
