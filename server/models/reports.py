"""Reports (compte-rendus) sent back from the field; content sealed once signed."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow

OUTCOMES = ("done", "absent", "no_access", "refused", "anomaly")
REPORT_STATES = ("awaiting_blobs", "received", "countersigned", "accepted", "rejected")


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (one_of("outcome", OUTCOMES), one_of("state", REPORT_STATES))

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # made on the tablet; the race is settled here
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    order_version: Mapped[int] = mapped_column(Integer)
    form_type: Mapped[str] = mapped_column(String(16))
    form_version: Mapped[int] = mapped_column(Integer)
    device_seq: Mapped[int] = mapped_column(BigInteger)
    device_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[dict] = mapped_column(JSON)  # the report as received
    content_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="received")
    flags: Mapped[list] = mapped_column(JSON, default=list)
    conflict: Mapped[str | None] = mapped_column(String(16))  # order "cancelled" / "reassigned" meanwhile (sync)
    result: Mapped[dict] = mapped_column(JSON, default=dict)  # the answer given to the tablet


class QuarantinedReport(db.Model):
    """Content kept aside for review: a UUID re-sent with other content, or a report the form refused."""
    __tablename__ = "quarantined_reports"
    # The same refused content is kept once however often the tablet resends it (sync).
    __table_args__ = (UniqueConstraint("uuid", "content_sha256", "reason", name="uq_quarantined_reports_content"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    reason: Mapped[str] = mapped_column(String(32))
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[str | None] = mapped_column(Text)
    content: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
