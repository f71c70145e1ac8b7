"""The counter: find an invoice, collect what is owed, refund a credit balance only to the person who paid
the deposit after an identity check (E3, E9). Every settlement and every refused refund is audited."""
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from ...errors import DomainError, IllegalTransition
from ...extensions import db
from ...models import Contract, Customer, Invoice, Payment, User
from ..base.audit import record
from ..rules.formats import money
from ..rules.paging import PageRequest
from .invoices import get_invoice, in_scope, search_invoices

SETTLEABLE = ("issued", "paid", "refunded")
AWAITING_CONTROL = ("draft", "checked")  # shown at the counter, settled only once issued (E11)


@dataclass(frozen=True)
class CounterView:
    invoice: Invoice
    contract: Contract
    customer: Customer
    payments: list[Payment]

    @property
    def action(self) -> str | None:
        """What the cashier can do: collect a positive total, refund a negative one, nothing else."""
        if self.invoice.state != "issued" or self.invoice.total == 0:  # drafts wait for the controller
            return None
        return "collect" if self.invoice.total > 0 else "refund"


def find_invoices(text: str, user: User, limit: int = 50) -> list[Invoice]:
    """Invoices by invoice number, contract number or customer name: issued (to settle, settled) and those
    still at the controller's, so the cashier can tell the customer why they cannot pay yet."""
    states = SETTLEABLE + AWAITING_CONTROL
    return list(search_invoices(text, user, states=states, page=PageRequest(1, limit))) if (text or "").strip() else []


def invoice_currencies(invoices: list[Invoice]) -> dict[int, str]:
    """Invoice id -> currency of its commune, for amounts shown in a list."""
    return {i.id: db.session.get(Contract, i.contract_id).point.commune.currency for i in invoices}


def counter_view(invoice_id: int, user: User) -> CounterView:
    invoice = get_invoice(invoice_id)
    if not in_scope(user, invoice) or invoice.state not in SETTLEABLE + AWAITING_CONTROL:
        raise IllegalTransition("Cette facture n'est pas à régler au guichet (annulée ou d'un autre service).")
    contract = db.session.get(Contract, invoice.contract_id)
    payments = list(db.session.scalars(select(Payment).where(Payment.invoice_id == invoice.id).order_by(Payment.id)))
    return CounterView(invoice, contract, db.session.get(Customer, invoice.customer_id), payments)


def collect(invoice_id: int, *, user: User, now: datetime) -> Payment:
    """E9: the customer pays what the invoice says; the invoice is settled. Commits."""
    view = counter_view(invoice_id, user)
    if view.action != "collect":
        raise IllegalTransition(f"La facture {view.invoice.number} n'a pas de montant à encaisser.")
    payment = settle(view.invoice, "collect", view.invoice.total, "paid", user=user, now=now)
    db.session.commit()
    return payment


def refund(invoice_id: int, *, payee_name: str, payee_identity: str, user: User, now: datetime) -> Payment:
    """E3, E9: a credit balance goes back only to the person who paid the deposit, identity checked. Commits
    (the refused attempt too, for the audit trail)."""
    view = counter_view(invoice_id, user)
    if view.action != "refund":
        raise IllegalTransition(f"La facture {view.invoice.number} n'a pas de montant à rembourser.")
    if not refund_payee_matches(view.contract, view.customer, payee_name, payee_identity):
        record("refund_refused", "invoice", view.invoice.id, user=user, at=now, number=view.invoice.number)
        db.session.commit()
        raise DomainError(refusal_message(view.contract, view.customer),
                          {"payee_identity": ["Identité différente de celle du payeur du dépôt de garantie."]})
    payment = settle(view.invoice, "refund", -view.invoice.total, "refunded", user=user, now=now,
                     payee=(payee_name.strip(), payee_identity.strip()))
    db.session.commit()
    return payment


def settlement_message(payment: Payment) -> str:
    """What the office reads once a payment is recorded, its amount written as the pages write it."""
    invoice = db.session.get(Invoice, payment.invoice_id)
    amount = money(payment.amount, db.session.get(Contract, invoice.contract_id).point.commune.currency)
    if payment.direction == "collect":
        return f"Encaissement enregistré ({amount}) : facture réglée."
    how = " par virement" if payment.method == "transfer" else ""
    return f"Remboursement{how} à {payment.payee_name} enregistré ({amount}) : facture remboursée."


def settle(invoice: Invoice, direction: str, amount: Decimal, state: str, *, user: User, now: datetime,
           payee: tuple[str, str] = (None, None), method: str = "counter", iban: str | None = None) -> Payment:
    """Settle an issued invoice and record its payment, on every path (collect and refund at the counter,
    refund by transfer, services.transfers, which passes the IBAN). The invoice leaves 'issued' in one guarded
    UPDATE: of two settlements at the same moment (two cashiers, the counter and a transfer) only the first
    passes; the second finds the invoice settled, its transaction is rolled back and it is refused
    (IllegalTransition). Flushes; the caller commits."""
    number = invoice.number
    claimed = db.session.execute(update(Invoice).where(Invoice.id == invoice.id, Invoice.state == "issued")
                                 .values(state=state, paid_on=now.date())
                                 .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # settled meanwhile (a second click, another cashier or agent, another path)
        db.session.rollback()
        raise IllegalTransition(f"La facture {number} vient d'être réglée (au guichet ou par virement) : "
                                "pas de second règlement.")
    set_committed_value(invoice, "state", state)  # what the UPDATE wrote, without writing it again
    set_committed_value(invoice, "paid_on", now.date())
    payment = Payment(invoice_id=invoice.id, direction=direction, amount=amount, payee_name=payee[0],
                      payee_identity=payee[1], method=method, iban=iban, cashier_id=user.id, at=now)
    db.session.add(payment)
    db.session.flush()
    record(f"{direction}_payment", "invoice", invoice.id, user=user, at=now, number=number,
           amount=str(amount), payment=payment.id, method=method)
    return payment


def entitled_payee(contract: Contract, customer: Customer) -> tuple[str | None, str | None]:
    """E3: who may receive a refund: the deposit payer, else (no deposit) the account holder."""
    if contract.deposit_payer_name:
        return contract.deposit_payer_name, contract.deposit_payer_identity
    return customer.full_name, customer.identity_document


def refund_payee_matches(contract: Contract, customer: Customer, name: str, identity: str) -> bool:
    """E3: the refund goes only to the person who paid the deposit: same name (any word order, case or
    accents) and same identity document number. Without a document on file, nobody can be checked."""
    expected_name, expected_identity = entitled_payee(contract, customer)
    if not expected_name or not expected_identity:
        return False
    return name_words(name) == name_words(expected_name) and identity_key(identity) == identity_key(expected_identity)


def name_words(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return sorted(plain.casefold().replace("-", " ").split())


def identity_key(identity: str) -> str:
    return "".join(ch for ch in (identity or "").upper() if ch.isalnum())


def refusal_message(contract: Contract, customer: Customer) -> str:
    expected_name, expected_identity = entitled_payee(contract, customer)
    if not expected_identity:
        return ("Remboursement refusé : aucune pièce d'identité n'est enregistrée pour le payeur du dépôt de "
                "garantie. Orienter le client vers l'agent d'abonnement.")
    return ("Remboursement refusé : le nom ou le numéro de pièce d'identité ne correspond pas à la personne qui a "
            "versé le dépôt de garantie. Seul le payeur du dépôt peut être remboursé (E3).")
