"""Letters (1-70 "M. et Mme le Nouvel Occupant") and reminders sent by e-mail or SMS."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow


class Letter(db.Model):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "1-70"
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    delivery_point_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_points.id"))
    addressee: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Communication(db.Model):
    """A message to a customer; the default sender writes it here (the outbox) and to the log."""
    __tablename__ = "communications"
    __table_args__ = (one_of("channel", ("email", "sms")), one_of("status", ("queued", "sent", "failed")))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
