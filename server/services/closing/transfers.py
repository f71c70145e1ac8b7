"""Refunding a credit balance by bank transfer (a water customer who leaves, W17 credit note): only to the IBAN
on file for the contract, in the account holder's name; the customer's bank details recorded by an audited
action, under a two-person rule; the list and CSV of transfers for accounting.

At the counter a credit balance goes to the deposit payer after an identity check (services.cashier, E3, E9);
a transfer goes to the account holder's own bank account, the one on file for the contract (given at the
departure, W13, or recorded here). The agent who last recorded that IBAN may not be the one who refunds: an
agent alone cannot send a refund to an account of their choosing. Electricity balances stay at the counter
(E3: only the deposit payer is refunded). Pages show an IBAN by its last four characters only (W24)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import or_, select

from ...errors import DomainError, Forbidden, IllegalTransition, NotFound
from ...extensions import db
from ...local_time import in_utility_zone, utility_zone
from ...models import AuditEntry, Commune, Contract, Customer, DeliveryPoint, Invoice, Payment, User
from ..base.audit import record
from .cashier import settle
from ..rules.paging import Page, PageRequest
from ..rules.iban import account_ending, iban_problem, mask_iban, normalize_iban, valid_iban
from .invoices import InvoiceView, get_invoice, in_scope, invoice_view
from ..base.spreadsheets import excel_csv

TRANSFER_SERVICES = ("water", "sewage")
TRANSFER_ROLES = ("agent", "admin")  # the back office; the cashier refunds at the counter (E3)
IBAN_CHANGED = "contract_iban_changed"  # the audit action of the customer's bank details recorded by an agent
CSV_HEADER = ["Date", "N° facture", "Client (titulaire du compte)", "IBAN", "Montant", "Devise"]


# --- The account on file ---------------------------------------------------------------

def may_refund_by_transfer(user: User) -> bool:
    """The back office refunds by transfer and records bank details; the cashier refunds at the counter."""
    return user.role in TRANSFER_ROLES


def last_iban_change(contract: Contract) -> AuditEntry | None:
    """The audit entry of the latest change of the contract's IBAN by an agent, if any."""
    return db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == IBAN_CHANGED, AuditEntry.object_type == "contract",
        AuditEntry.object_id == str(contract.id)).order_by(AuditEntry.id.desc()).limit(1))


def transfer_account_refusal(contract: Contract, user: User) -> tuple[str, str] | None:
    """Why this user cannot send the refund to the contract's account, as (reason, French message), or None:
    the IBAN on file must pass the ISO 13616 check, and the agent who last recorded it may not be the one who
    refunds (two-person rule). The IBAN is read before the audit trail, so a change committed in between is
    seen (its audit entry is committed with it)."""
    iban = normalize_iban(contract.iban)
    problem = iban_problem(iban)
    if problem:
        found = (f"l'IBAN enregistré pour le contrat {contract.number} est inutilisable. {problem}"
                 if iban else f"aucun IBAN n'est enregistré pour le contrat {contract.number}.")
        return "iban", (f"Remboursement par virement impossible : {found} Enregistrer d'abord les coordonnées "
                        "bancaires du client (relevé d'identité bancaire).")
    change = last_iban_change(contract)
    if change is not None and change.user_id == user.id:
        return "same_agent", ("Remboursement par virement refusé : vous avez vous-même enregistré l'IBAN de ce "
                              "contrat. Un autre agent doit faire le remboursement (double contrôle).")
    return None


# --- The invoice page ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TransferPanel:
    """What the invoice page shows about a refund by transfer, for the user looking at it: the account it
    would go to (never the full IBAN, W24), why it cannot be made, or the transfer recorded."""
    invoice: Invoice
    currency: str
    holder_name: str
    account: str | None             # "compte se terminant par 0143": the contract's IBAN on file
    payment: Payment | None         # the transfer once recorded
    may_act: bool                   # this user refunds by transfer and records bank details (back office)
    refusal: str | None             # why this user cannot refund by transfer now (no valid IBAN, two-person rule)

    @property
    def amount(self) -> Decimal:
        return -self.invoice.total

    @property
    def paid_to(self) -> str | None:
        return account_ending(self.payment.iban) if self.payment else None

    @property
    def masked_iban(self) -> str:
        return mask_iban(self.payment.iban if self.payment else None)

    @property
    def pending(self) -> bool:
        return self.payment is None and self.invoice.state == "issued"

    @property
    def can_refund(self) -> bool:
        return self.may_act and self.pending and self.refusal is None

    @property
    def can_record_bank_details(self) -> bool:
        return self.may_act and self.pending


@dataclass(frozen=True)
class InvoicePage:
    view: InvoiceView
    transfer: TransferPanel | None


def invoice_page(invoice_id: int, user: User) -> InvoicePage:
    """The invoice page of an invoice of the user's utility, with the refund by transfer when it applies."""
    view = invoice_view(invoice_id, user)
    return InvoicePage(view, transfer_panel(view.invoice, view.contract, user))


def transfer_panel(invoice: Invoice, contract: Contract, user: User) -> TransferPanel | None:
    """For a credit balance of a water (or sewage) contract: the refund by transfer this user may make, or the
    one already made; None for any other invoice."""
    payment = db.session.scalar(select(Payment).where(Payment.invoice_id == invoice.id, Payment.direction == "refund",
                                                      Payment.method == "transfer").order_by(Payment.id))
    if payment is None and refusal_reason(invoice, contract) is not None:
        return None
    may_act = may_refund_by_transfer(user)
    refused = transfer_account_refusal(contract, user) if may_act and payment is None else None
    return TransferPanel(invoice, contract.point.commune.currency, contract.customer.full_name,
                         account_ending(contract.iban), payment, may_act, refused[1] if refused else None)


# --- Refund by transfer --------------------------------------------------------------------------------------

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


def _invoice_for_back_office(invoice_id: int, user: User) -> tuple[Invoice, Contract]:
    invoice = get_invoice(invoice_id)
    if not in_scope(user, invoice):
        raise NotFound("Facture introuvable dans votre service.")
    if not may_refund_by_transfer(user):
        raise Forbidden("Le remboursement par virement et les coordonnées bancaires relèvent des agents "
                        "clientèle ; au guichet, le remboursement va au payeur du dépôt de garantie (E3).")
    return invoice, db.session.get(Contract, invoice.contract_id)


def refund_by_transfer(invoice_id: int, *, user: User, now: datetime) -> Payment:
    """A credit balance refunded by bank transfer to the IBAN on file for the contract, made out to the account
    holder: the invoice is refunded (cashier.settle: once, whatever the path), the transfer recorded for
    accounting. Commits; a refusal for the account (no valid IBAN, two-person rule) is audited (and committed)
    and changes nothing else."""
    invoice, contract = _invoice_for_back_office(invoice_id, user)
    reason = refusal_reason(invoice, contract)
    if reason:
        raise IllegalTransition(reason)
    iban = normalize_iban(contract.iban)  # read before the audit trail (transfer_account_refusal)
    refused = transfer_account_refusal(contract, user)
    if refused:
        code, message = refused
        record("transfer_refused", "invoice", invoice.id, user=user, at=now, number=invoice.number, reason=code)
        db.session.commit()
        if code == "same_agent":
            raise Forbidden(message)
        raise DomainError(message)
    payment = settle(invoice, "refund", -invoice.total, "refunded", user=user, now=now,
                     payee=(contract.customer.full_name, None), method="transfer", iban=iban)
    db.session.commit()
    return payment


def record_bank_details(invoice_id: int, iban: str, *, user: User, now: datetime) -> Contract:
    """The customer's bank details (from their RIB) recorded on the contract of an invoice by the back office:
    checked (ISO 13616) and audited (set_contract_iban). Whoever records them cannot then refund by transfer to
    that account (transfer_account_refusal). Commits."""
    invoice, contract = _invoice_for_back_office(invoice_id, user)
    if not set_contract_iban(contract, iban, user=user, now=now, invoice=invoice.number):
        raise DomainError("Cet IBAN est déjà celui du contrat : rien à modifier.",
                          {"iban": ["IBAN identique à celui du contrat."]})
    db.session.commit()
    return contract


def set_contract_iban(contract: Contract, iban: str, *, user: User | None, now: datetime, **context) -> bool:
    """Change the contract's IBAN after the ISO 13616 check (DomainError otherwise), with an audit entry
    holding the old and the new IBAN masked (W24): the trail the two-person rule reads. False (nothing
    recorded) when it is the IBAN already on file. Adds; the caller commits."""
    new, old = valid_iban(iban), normalize_iban(contract.iban) or None
    if new == old:
        return False
    contract.iban = new
    record(IBAN_CHANGED, "contract", contract.id, user=user, at=now, old_iban=mask_iban(old) if old else None,
           new_iban=mask_iban(new), **context)
    return True


# --- Transfers for accounting ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TransferRow:
    payment: Payment
    invoice: Invoice
    currency: str

    @property
    def masked_iban(self) -> str:
        return mask_iban(self.payment.iban)


def refund_transfers(user: User, *, since: date | None = None, until: date | None = None,
                     page: PageRequest | None = None) -> list[TransferRow] | Page[TransferRow]:
    """The refunds by transfer of the user's utility, newest first, recorded between two days (local time,
    both included) when given: what accounting has to issue. One page of them when `page` is given
    (the office list); all of them otherwise (the CSV export of a period)."""
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
    if page is not None:
        rows = db.session.execute(query.offset(page.offset).limit(page.fetch))
        return Page.of([TransferRow(*row) for row in rows], page)
    return [TransferRow(*row) for row in db.session.execute(query)]


def local_midnight(day: date) -> datetime:
    """The start of a day in the water utility's time zone (transfers are water refunds), in UTC (how
    moments are stored)."""
    return datetime.combine(day, time.min, utility_zone("water")).astimezone(timezone.utc)


def transfers_csv(rows: list[TransferRow]) -> bytes:
    """For accounting: full IBAN, decimal comma; the same whoever exports it (dates in the water utility's
    time)."""
    return excel_csv(CSV_HEADER, ([in_utility_zone(r.payment.at, "water").strftime("%d/%m/%Y"), r.invoice.number,
                                   r.payment.payee_name, r.payment.iban, f"{r.payment.amount:.2f}".replace(".", ","),
                                   r.currency] for r in rows))
