"""Reports (compte-rendus) sent back from the field; content sealed once signed."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow

OUTCOMES = ("done", "absent", "no_access", "refused", "anomaly")
REPORT_STATES = ("awaiting_blobs", "received", "countersigned", "accepted", "rejected")


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (one_of("outcome", OUTCOMES), one_of("state", REPORT_STATES),
                      Index("ix_reports_state_received", "state", "received_at", "id"))  # the review queue, paged

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
    # The back office's decision (review): who, when, and the reason of a rejection.
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str | None] = mapped_column(Text)


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


class ReportVersion(db.Model):
    """A correction of a report: new content with its author and reason; the original is never edited."""
    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "number", name="uq_report_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # the report as received is version 1
    content: Mapped[dict] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Countersignature(db.Model):
    """The chief's countersignature and the seal binding the report content and every signature (E7, E11)."""
    __tablename__ = "countersignatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)  # the version that was sealed
    chief_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(8))  # "web" or "tablet"
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    signature: Mapped[dict] = mapped_column(JSON)  # {sha256, signer_name, strokes} (no pressure, no speed)
    device_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # server time
    seal_sha256: Mapped[str] = mapped_column(String(64))
