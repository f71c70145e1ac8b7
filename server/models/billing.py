"""Invoices (closing, new subscription, credit notes, electricity balance) and payments."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow

INVOICE_KINDS = ("closing", "subscription", "credit_note", "balance", "periodic")
INVOICE_STATES = ("draft", "checked", "issued", "paid", "refunded", "cancelled")


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        one_of("kind", INVOICE_KINDS),
        one_of("state", INVOICE_STATES),
        Index("ix_invoices_kind_state_issued", "kind", "state", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    issued_on: Mapped[date | None] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)
    travel_fee: Mapped[bool] = mapped_column(Boolean, default=False)
    direct_debit: Mapped[bool] = mapped_column(Boolean, default=False)
    send_to: Mapped[str | None] = mapped_column(String(255))
    reading_index: Mapped[int | None] = mapped_column()
    reading_date: Mapped[date | None] = mapped_column(Date)
    reading_source: Mapped[str | None] = mapped_column(String(16))
    lines: Mapped[list] = mapped_column(JSON, default=list)
    paid_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


PAYMENT_METHODS = ("counter", "transfer")


class Payment(db.Model):
    """Money collected or refunded at the counter (E9; a refund names the deposit payer, E3), or a
    credit note refunded by bank transfer to the account holder's IBAN."""
    __tablename__ = "payments"
    __table_args__ = (one_of("direction", ("collect", "refund")), one_of("method", PAYMENT_METHODS))

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    payee_name: Mapped[str | None] = mapped_column(String(200))
    payee_identity: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8), default="counter")
    iban: Mapped[str | None] = mapped_column(String(34))
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
