"""Enrolled tablets and their revocable tokens (stored hashed)."""
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class Device(db.Model):
    __tablename__ = "devices"
    # Idempotent enrolment (PROTOCOL §2): the id the tablet made for one enrolment, once per user.
    __table_args__ = (UniqueConstraint("user_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    enrolment_id: Mapped[str | None] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Delivery receipt: the change sequence of the last cursor the tablet handed back, i.e. every
    # change of its orders up to it is stored on the tablet (PROTOCOL §3), bounded by what was
    # really sent to this device (`sent_seq`): a cursor is not signed, a made-up one proves nothing.
    sent_seq: Mapped[int | None] = mapped_column(BigInteger)
    delivered_seq: Mapped[int | None] = mapped_column(BigInteger)
    app_version: Mapped[str | None] = mapped_column(String(64))
    queue_depth: Mapped[int | None] = mapped_column(Integer)
    storage_used: Mapped[int | None] = mapped_column(BigInteger)
    storage_quota: Mapped[int | None] = mapped_column(BigInteger)


class BlobUpload(db.Model):
    """Who uploaded a photo or signature: a tablet learns that a blob is present only for its own uploads
    (a hash guessed from a photo taken elsewhere tells nothing)."""
    __tablename__ = "blob_uploads"
    __table_args__ = (UniqueConstraint("sha256", "user_id", name="uq_blob_uploads_sha_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
