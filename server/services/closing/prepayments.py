"""E1: no temporary suspension; a customer may prepay on account instead. The cashier records the payment on
the contract's account; the contract's balance invoice (E8) deducts what is still available, once."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, update

from ...errors import DomainError, NotFound
from ...extensions import db
from ...models import Contract, Invoice, Prepayment, User
from ..base.accounts import serves_utility
from ..base.audit import record
from ..rules.formats import money
from ..rules.invoice_lines import Line, round_money

MAX_PREPAYMENT = Decimal("100000000")


@dataclass(frozen=True)
class AccountView:
    contract: Contract
    prepayments: list[Prepayment]
    available: Decimal

    @property
    def currency(self) -> str:
        return self.contract.point.commune.currency


def contract_for_prepayment(contract_id: int, user: User) -> Contract:
    contract = db.session.get(Contract, contract_id) if 0 < contract_id < 2**31 else None
    if contract is None or not serves_utility(user, contract.point.commune.utility):
        raise NotFound("Contrat introuvable.")
    return contract


def find_contract(number: str, user: User) -> Contract | None:
    """The contract by its number (unique index), if it is of the user's utility."""
    contract = db.session.scalar(select(Contract).where(Contract.number == (number or "").strip().upper()))
    if contract is None or not serves_utility(user, contract.point.commune.utility):
        return None
    return contract


def account_view(contract_id: int, user: User, limit: int = 50) -> AccountView:
    """The contract's payments on account, newest first, and what remains to be deducted."""
    contract = contract_for_prepayment(contract_id, user)
    rows = list(db.session.scalars(select(Prepayment).where(Prepayment.contract_id == contract.id)
                                   .order_by(Prepayment.id.desc()).limit(limit)))
    return AccountView(contract, rows, available_on_account(contract))


def prepayment_amount(text: str, currency: str) -> Decimal:
    """The amount typed by the cashier (decimal comma accepted), positive, in the currency's unit."""
    try:
        amount = Decimal((text or "").strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise DomainError("Montant invalide : indiquer un montant positif.", {"amount": ["Montant positif requis."]})
    if amount > MAX_PREPAYMENT:
        most = f"{money(MAX_PREPAYMENT, currency)} au plus"
        raise DomainError(f"Montant invalide : {most}.", {"amount": [f"Montant de {most}."]})
    if round_money(amount, currency) != amount:
        unit = "francs entiers" if currency == "XOF" else "centimes"
        raise DomainError(f"Montant invalide : en {unit}.", {"amount": [f"Montant en {unit}."]})
    return amount


def record_prepayment(contract_id: int, *, amount: str, payer_name: str, payer_identity: str, user: User,
                      now: datetime) -> Prepayment:
    """E1: a payment on the account of an active (or terminating) contract, with who paid it. Commits."""
    contract = contract_for_prepayment(contract_id, user)
    if contract.state == "terminated":
        raise DomainError(f"Le contrat {contract.number} est résilié : plus de paiement d'avance possible.")
    if not (payer_name or "").strip():
        raise DomainError("Indiquer qui verse l'acompte.", {"payer_name": ["Nom du payeur requis."]})
    value = prepayment_amount(amount, contract.point.commune.currency)
    prepayment = Prepayment(contract_id=contract.id, amount=value, payer_name=payer_name.strip()[:200],
                            payer_identity=(payer_identity or "").strip()[:64] or None, cashier_id=user.id, at=now)
    db.session.add(prepayment)
    db.session.flush()
    record("record_prepayment", "contract", contract.id, user=user, at=now, amount=str(value),
           prepayment=prepayment.id)
    db.session.commit()
    return prepayment


def recorded_message(prepayment: Prepayment) -> str:
    """What the cashier reads once a payment on account is recorded, its amount written as the pages write it."""
    currency = db.session.get(Contract, prepayment.contract_id).point.commune.currency
    return f"Paiement d'avance de {money(prepayment.amount, currency)} enregistré sur le compte."


def available_on_account(contract: Contract) -> Decimal:
    total = db.session.scalar(select(func.coalesce(func.sum(Prepayment.amount), 0)).where(
        Prepayment.contract_id == contract.id, Prepayment.state == "available"))
    return Decimal(total or 0)


def deduct_prepayments(invoice: Invoice, contract: Contract, *, user: User | None, now: datetime) -> Decimal:
    """E1/E8: the payments on account still available are deducted from the contract's balance invoice, as
    one line, and marked used by it (a guarded UPDATE: never deducted twice). Flushes; returns the amount."""
    ids = list(db.session.scalars(select(Prepayment.id).where(Prepayment.contract_id == contract.id,
                                                              Prepayment.state == "available")))
    if not ids:
        return Decimal(0)
    taken = db.session.execute(update(Prepayment).where(Prepayment.id.in_(ids), Prepayment.state == "available")
                               .values(state="used", used_by_invoice_id=invoice.id)
                               .execution_options(synchronize_session=False))
    if taken.rowcount != len(ids):
        raise DomainError("Les acomptes de ce contrat viennent d'être utilisés : recommencer.")
    amount = Decimal(db.session.scalar(select(func.sum(Prepayment.amount)).where(Prepayment.id.in_(ids))))
    line = Line("Acomptes versés sur le compte déduits", Decimal(1), "forfait", -amount, -amount,
                taxable=False)
    invoice.lines = list(invoice.lines or []) + [line.as_json()]
    invoice.total = Decimal(invoice.total) - amount
    record("deduct_prepayments", "invoice", invoice.id, user=user, at=now, amount=str(amount), prepayments=ids)
    db.session.flush()
    return amount
