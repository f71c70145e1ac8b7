"""The storage interface the sync engine needs, and the plain records that cross it.

A server-side implementation must honour three promises:
- every write method is ONE transaction, committed before it returns;
- `insert_report` lets a UNIQUE constraint on the report UUID decide races: it never looks
  first, and turns the constraint violation into `DuplicateReport` (after rolling back);
- `order_changes` pages on a change sequence that is unique per order change and that a
  reader never sees out of order (a sequence handed out under a row lock, not a timestamp).
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Protocol


@dataclass(frozen=True)
class OrderForSync:
    """What the push rules need to know about an order."""

    id: int
    version: int
    state: str
    assignee_id: int | None
    form_type: str
    cancelled: bool
    meter_context: dict  # {"meter_serial", "dials", "previous_index", "plausible_min", "plausible_max"}
    former_assignee_ids: frozenset = frozenset()  # technicians it was taken away from


@dataclass(frozen=True)
class NewReport:
    """A report the engine accepted, to be stored in one transaction."""

    uuid: str
    content_hash: str
    content: dict  # the report exactly as sent
    technician_id: int
    device_id: int | None
    order_id: int
    order_version: int
    form_type: str
    form_version: int
    device_seq: int
    device_time: datetime
    outcome: str
    reason_code: str | None
    received_at: datetime
    blob_hashes: tuple  # every sha256 the report names
    complete: bool  # all blobs present: the report counts now
    conflict: str | None  # "cancelled" | "reassigned" | None
    flags: tuple = ()  # e.g. ({"flag": "clock_skew", "seconds": 1200},)


@dataclass(frozen=True)
class StoredReport:
    """A report as stored: enough to answer its UUID again identically."""

    id: int
    uuid: str
    content_hash: str
    complete: bool
    conflict: str | None
    received_at: datetime
    blob_hashes: tuple = ()


@dataclass(frozen=True)
class AsideReport:
    """Content kept aside for the office: refused by the form, or a UUID re-sent with other content."""

    uuid: str | None
    content_hash: str
    content: object
    reason: str  # "rejected" | "forbidden" | "mismatch"
    errors: dict
    technician_id: int
    device_id: int | None
    received_at: datetime


@dataclass(frozen=True)
class Change:
    """One item of a pull page: an order to hold, or a tombstone to drop one."""

    seq: int
    order_id: int
    order: dict | None = None  # ORDER wire object
    tombstone: str | None = None  # "cancelled" | "reassigned"


class SyncStore(Protocol):
    """Storage behind the engine (in memory for tests, SQLAlchemy on the server)."""

    def find_report(self, uuid: str) -> StoredReport | None:
        """The stored report with this UUID, if any."""

    def insert_report(self, report: NewReport) -> StoredReport:
        """Store a new report; raise DuplicateReport when its UUID already exists."""

    def complete_report(self, report_id: int) -> StoredReport:
        """Mark a report awaiting blobs as complete (idempotent) and return it."""

    def keep_aside(self, aside: AsideReport) -> None:
        """Keep refused content for review; the same (uuid, content_hash, reason) is kept once."""

    def order_for_sync(self, order_id: int) -> OrderForSync | None:
        """The order as the push rules see it, or None when it does not exist."""

    def missing_blobs(self, hashes: Iterable[str], technician_id: int) -> list[str]:
        """Those of `hashes` not stored yet or not uploaded by this technician, in the order given,
        without repeats: a tablet never learns that a guessed hash exists (issue 12)."""

    def order_changes(self, technician_id: int, after_seq: int, limit: int,
                      with_tombstones: bool) -> list[Change]:
        """Up to `limit` changes for this technician with seq > after_seq, by increasing seq:
        their active orders, and (when asked) tombstones of orders that left them."""

    def technician_counts(self, technician_id: int) -> tuple[int, int]:
        """(active orders, distinct meters among them) of this technician."""

    def current_forms(self) -> dict[str, dict]:
        """The latest form definition of each order type."""

    def form_definition(self, form_type: str, version: int) -> dict | None:
        """One definition by type and version, or None."""
