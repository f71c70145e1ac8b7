"""Intervention orders (AT) sent to the field."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import one_of, utcnow
from .network import DeliveryPoint, Meter

ORDER_TYPES = ("READING", "CUTOFF", "REMOVAL", "CLOSURE", "INVESTIGATION")
ORDER_STATES = ("issued", "assigned", "reported", "countersigned", "closed", "cancelled")
ORDER_LABELS = {
    "READING": "Relevé d'index",
    "CUTOFF": "Interruption et relevé",
    "REMOVAL": "Dépose de compteur",
    "CLOSURE": "Fermeture de branchement",
    "INVESTIGATION": "Enquête client",
}


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        one_of("type", ORDER_TYPES),
        one_of("state", ORDER_STATES),
        # A technician's pull: their orders changed since a change sequence.
        Index("ix_orders_assignee_seq", "assignee_id", "change_seq"),
        Index("ix_orders_previous_seq", "previous_assignee_id", "change_seq"),  # tombstones of a pull
        Index("ix_orders_state_planned", "state", "planned_date"),
        Index("ix_orders_planned", "planned_date", "id"),  # the office's order list, latest first, paged
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(16))  # e.g. CEO11 (W19)
    state: Mapped[str] = mapped_column(String(16), default="issued")
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    delivery_point_id: Mapped[int] = mapped_column(ForeignKey("delivery_points.id"), index=True)
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meters.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The technician who had it last, so a reassignment sends them a tombstone.
    previous_assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    planned_date: Mapped[date | None] = mapped_column(Date)
    window_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    round_position: Mapped[int] = mapped_column(Integer, default=0)
    travel_fee: Mapped[bool] = mapped_column(Boolean, default=False)
    requester_name: Mapped[str | None] = mapped_column(String(200))  # E2
    requester_identity: Mapped[str | None] = mapped_column(String(64))
    requester_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    # E2: how and when the requester signed the order once it existed: {"method": "printed" | "drawn",
    # "strokes": [...] when drawn on the counter's screen, "confirmed_by": user id}
    requester_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    requester_signature: Mapped[dict | None] = mapped_column(JSON)
    instructions: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    point: Mapped[DeliveryPoint] = relationship()
    meter: Mapped[Meter | None] = relationship()

    @property
    def label(self) -> str:
        return ORDER_LABELS[self.type]
