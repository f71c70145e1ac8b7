"""Advance payments on account (E1: no temporary suspension; a customer may prepay on account instead)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow


class Prepayment(db.Model):
    """Money paid at the counter on a contract's account, before any invoice; deducted from the contract's
    balance invoice (E8) when it comes, which records it as used."""
    __tablename__ = "prepayments"
    __table_args__ = (one_of("state", ("available", "used")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_identity: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="available")
    used_by_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
