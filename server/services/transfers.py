"""Refunding a credit balance by bank transfer (a water customer who leaves, W17 credit note): the IBAN check
(ISO 13616), the refund to the contract's account holder, and the list and CSV of transfers for accounting.

At the counter a credit balance goes to the deposit payer after an identity check (services.cashier, E3, E9);
a transfer goes to the account holder's own bank account, so the holder's name is checked against the
customer's instead. Electricity balances stay at the counter (E3: only the deposit payer is refunded)."""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import or_, select

from ..errors import DomainError, IllegalTransition, NotFound
from ..extensions import db
from ..labels import local_datetime
from ..local_time import utility_zone
from ..models import Commune, Contract, Customer, DeliveryPoint, Invoice, Payment, User
from .audit import record
from .cashier import name_words, settle
from .iban import iban_problem, normalize_iban
from .invoices import get_invoice, in_scope

TRANSFER_SERVICES = ("water", "sewage")
CSV_HEADER = ["Date", "N° facture", "Client (titulaire du compte)", "IBAN", "Montant", "Devise"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


def mask_iban(iban: str | None) -> str:
    """Only the last four characters on screen (W24); the full IBAN goes to accounting's CSV only."""
    return f"**** {iban[-4:]}" if iban else "—"


def grouped_iban(iban: str | None) -> str:
    """FR76 3000 4000 … as printed on a RIB."""
    iban = normalize_iban(iban)
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


# --- The account holder ---------------------------------------------------------------------------------------

def account_holder(customer: Customer) -> str:
    """The name the transfer is made out to: the customer's, never a name typed by the agent."""
    return " ".join(p for p in (customer.first_name, customer.last_name) if p)


def holder_matches(customer: Customer, name: str | None) -> bool:
    """The transfer goes to the account holder: same name in any word order, case or accents (the counter's
    lenient comparison, services.cashier.name_words)."""
    typed = name_words(name)
    return bool(typed) and typed == name_words(account_holder(customer))


# --- Refund by transfer --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TransferPanel:
    """What the invoice page shows about a refund by transfer: the offer (prefilled) or the one recorded."""
    invoice: Invoice
    currency: str
    holder_name: str
    iban_on_file: str | None        # the contract's bank details (direct debit, or given at the departure)
    iban_on_file_problem: str | None
    payment: Payment | None         # the transfer once recorded

    @property
    def amount(self) -> Decimal:
        return -self.invoice.total

    @property
    def masked_iban(self) -> str:
        return mask_iban(self.payment.iban if self.payment else None)

    @property
    def can_refund(self) -> bool:
        return self.payment is None and self.invoice.state == "issued"


def transfer_panel(invoice: Invoice, contract: Contract) -> TransferPanel | None:
    """For a credit balance of a water (or sewage) contract: the refund by transfer to offer or already made;
    None for any other invoice."""
    payment = db.session.scalar(select(Payment).where(Payment.invoice_id == invoice.id, Payment.direction == "refund",
                                                      Payment.method == "transfer").order_by(Payment.id))
    if payment is None and refusal_reason(invoice, contract) is not None:
        return None
    iban = normalize_iban(contract.iban) or None
    problem = iban_problem(iban) if iban else None
    return TransferPanel(invoice, contract.point.commune.currency, account_holder(contract.customer), iban,
                         problem and f"IBAN du contrat inutilisable : {problem}", payment)


def refusal_reason(invoice: Invoice, contract: Contract) -> str | None:
    """Why this invoice cannot be refunded by transfer, or None: an issued credit balance of water or sewage."""
    if invoice.state in ("paid", "refunded"):
        when = f" le {invoice.paid_on.strftime('%d/%m/%Y')}" if invoice.paid_on else ""
        return f"La facture {invoice.number} est déjà réglée{when} : pas de second remboursement."
    if invoice.state == "cancelled":
        return f"La facture {invoice.number} est annulée : rien à rembourser."
    if invoice.state != "issued":
        return f"La facture {invoice.number} n'est pas encore émise : elle se rembourse une fois émise."
    if invoice.total >= 0:
        return f"La facture {invoice.number} n'a pas de montant à rembourser (pas de solde créditeur)."
    if contract.service not in TRANSFER_SERVICES:
        return (f"La facture {invoice.number} est un solde d'électricité : il se rembourse au guichet, à la "
                "personne qui a versé le dépôt de garantie (E3).")
    return None


def refund_by_transfer(invoice_id: int, *, iban: str, holder_name: str, user: User, now: datetime) -> Payment:
    """A credit balance refunded by bank transfer to the contract's account holder: the invoice is refunded
    (cashier.settle: once, whatever the path), the transfer recorded for accounting. Commits; a refused holder
    or IBAN is audited (and committed) and changes nothing else."""
    invoice = get_invoice(invoice_id)
    if not in_scope(user, invoice):
        raise NotFound("Facture introuvable dans votre service.")
    contract = db.session.get(Contract, invoice.contract_id)
    reason = refusal_reason(invoice, contract)
    if reason:
        raise IllegalTransition(reason)
    customer, holder_name = contract.customer, " ".join((holder_name or "").split())
    problem = iban_problem(iban)
    if problem or not holder_matches(customer, holder_name):
        fields = {"iban": [problem]} if problem else {
            "holder_name": [f"Le titulaire du contrat est {account_holder(customer)}."]}
        record("transfer_refused", "invoice", invoice.id, user=user, at=now, number=invoice.number,
               reason="iban" if problem else "holder")
        db.session.commit()
        raise DomainError(problem or (
            f"Virement refusé : « {holder_name} » n'est pas le titulaire du contrat "
            f"{contract.number} ({account_holder(customer)}). Le remboursement par virement va uniquement au "
            "titulaire du compte."), fields)
    payment = settle(invoice, "refund", -invoice.total, "refunded", user=user, now=now,
                     payee=(account_holder(customer), None), method="transfer", iban=normalize_iban(iban))
    db.session.commit()
    return payment


# --- Transfers for accounting ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TransferRow:
    payment: Payment
    invoice: Invoice
    currency: str

    @property
    def masked_iban(self) -> str:
        return mask_iban(self.payment.iban)


def refund_transfers(user: User, *, since: date | None = None, until: date | None = None) -> list[TransferRow]:
    """The refunds by transfer of the user's utility, newest first, recorded between two days (local time,
    both included) when given: what accounting has to issue."""
    query = (select(Payment, Invoice, Commune.currency).join(Invoice, Payment.invoice_id == Invoice.id)
             .join(Contract, Invoice.contract_id == Contract.id)
             .join(DeliveryPoint, Contract.delivery_point_id == DeliveryPoint.id).join(Commune)
             .where(Payment.method == "transfer", Payment.direction == "refund")
             .order_by(Payment.at.desc(), Payment.id.desc()))
    if user.role != "admin" and user.utility:
        query = query.where(or_(Commune.utility == user.utility, Commune.utility.is_(None)))
    if since:
        query = query.where(Payment.at >= local_midnight(since))
    if until:
        query = query.where(Payment.at < local_midnight(until + timedelta(days=1)))
    return [TransferRow(*row) for row in db.session.execute(query)]


def local_midnight(day: date) -> datetime:
    """The start of a day in the water utility's time zone (transfers are water refunds), in UTC (how
    moments are stored)."""
    return datetime.combine(day, time.min, utility_zone("water")).astimezone(timezone.utc)


def transfers_csv(rows: list[TransferRow]) -> bytes:
    """For accounting, opened in Excel: UTF-8 with a BOM, `;` between columns, decimal comma, full IBAN; the
    same whoever exports it (dates in the water utility's time). A cell a spreadsheet would read as a formula
    is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in (
            local_datetime(row.payment.at, "%d/%m/%Y", utility="water"), row.invoice.number, row.payment.payee_name,
            row.payment.iban, f"{row.payment.amount:.2f}".replace(".", ","), row.currency)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_cell(value) -> str:
    """CSV formula injection: text starting with = + - @ (or a tab, a carriage return) gets a leading
    apostrophe, so the spreadsheet shows it as text instead of running it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
