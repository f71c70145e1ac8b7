"""What the billing system takes back: integration clients (their own token and scope) and the change log
their feed pages on, in commit order."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

EXPORT_KINDS = ("readings", "terminations", "invoices", "points", "payments")


class IntegrationClient(db.Model):
    """A system reading the export feed (not a tablet): a hashed bearer token and the kinds it may read."""
    __tablename__ = "integration_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExportEvent(db.Model):
    """An object the billing system cares about changed. `seq` is taken from a counter under its row lock
    in the writing transaction, so a later seq is never committed before an earlier one: a reader paging on
    seq skips nothing and repeats nothing."""
    __tablename__ = "export_events"
    __table_args__ = (Index("ix_export_events_type_seq", "object_type", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
