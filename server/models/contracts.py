"""Contracts (subscriptions): who is supplied where, prepaid period, payment, deposit."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import one_of, utcnow
from .network import DeliveryPoint
from .people import Customer

CONTRACT_STATES = ("active", "terminating", "terminated")
SERVICES = ("water", "sewage", "electricity")
VOLTAGES = ("BT", "MT")


class Contract(db.Model):
    __tablename__ = "contracts"
    __table_args__ = (
        one_of("state", CONTRACT_STATES),
        one_of("service", SERVICES),
        Index("ix_contracts_point_state", "delivery_point_id", "state"),
        Index("ix_contracts_state_deposit", "state", "deposit_amount"),  # E8: deposits left unsettled
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    delivery_point_id: Mapped[int] = mapped_column(ForeignKey("delivery_points.id"))
    service: Mapped[str] = mapped_column(String(16))
    voltage: Mapped[str | None] = mapped_column(String(2))  # BT / MT for electricity (E12)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="active")
    fully_terminated_on: Mapped[date | None] = mapped_column(Date)  # meter removed (E11)
    prepaid_until: Mapped[date | None] = mapped_column(Date)  # subscription paid ahead up to (W5)
    direct_debit: Mapped[bool] = mapped_column(Boolean, default=False)
    iban: Mapped[str | None] = mapped_column(String(34))
    deposit_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    deposit_payer_name: Mapped[str | None] = mapped_column(String(200))
    deposit_payer_identity: Mapped[str | None] = mapped_column(String(64))
    billing_address: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    customer: Mapped[Customer] = relationship()
    point: Mapped[DeliveryPoint] = relationship()
