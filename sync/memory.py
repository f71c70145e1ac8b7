"""An in-memory SyncStore for the unit tests and golden exchanges, and the model of the SQL adapter.

The "office" side (put_order, reassign, cancel, close) bumps one change sequence per order
change and logs each order leaving a technician, which is what pull pages on.
"""
import copy
import threading
from dataclasses import dataclass, field, replace

from .errors import DuplicateReport
from .ports import AsideReport, Change, NewReport, OrderForSync, StoredReport

INACTIVE_STATES = ("cancelled", "closed")


@dataclass
class _Order:
    wire: dict  # the ORDER object as pull sends it
    assignee_id: int | None
    meter_context: dict
    seq: int = 0
    former: set = field(default_factory=set)


class MemoryStore:
    """SyncStore in memory; one lock stands for the database's UNIQUE constraint and transactions."""

    def __init__(self, definitions: dict | None = None):
        self.definitions = dict(definitions or {})  # (type, version) -> definition
        self.orders: dict[int, _Order] = {}
        self.exits: list[tuple[int, int, int, str]] = []  # (seq, order_id, technician_id, reason)
        self.reports: dict[str, StoredReport] = {}
        self.contents: dict[str, NewReport] = {}
        self.aside: list[AsideReport] = []
        self.blobs: set[str] = set()
        self.uploads: set[tuple[str, int]] = set()  # (sha256, technician id): who sent each blob
        self.seq = 0
        self._lock = threading.Lock()
        self._next_report_id = 1

    @classmethod
    def from_world(cls, world: dict, definitions: dict) -> "MemoryStore":
        """A store holding a world description (fixtures/sync/world.json)."""
        store = cls(definitions)
        for item in world["orders"]:
            store.put_order(item["order"], item["assignee_id"], item["meter_context"])
        for sha256 in world.get("blobs", []):
            for item in world["orders"]:
                store.add_blob(sha256, item["assignee_id"])
        return store

    # ---- the office side (not part of the port) --------------------------------------------

    def put_order(self, wire: dict, assignee_id: int | None, meter_context: dict) -> dict:
        """Create or replace an order (its version bumps on every change)."""
        current = self.orders.get(wire["id"])
        wire = copy.deepcopy(wire)
        if current is not None:
            wire["version"] = current.wire["version"] + 1
            self._leave(current, assignee_id, "reassigned")
            current.wire, current.assignee_id, current.meter_context = wire, assignee_id, meter_context
        else:
            current = self.orders[wire["id"]] = _Order(wire, assignee_id, meter_context)
        current.seq = self._bump()
        return wire

    def reassign(self, order_id: int, technician_id: int) -> None:
        order = self.orders[order_id]
        self._leave(order, technician_id, "reassigned")
        order.assignee_id = technician_id
        self._touch(order)

    def cancel(self, order_id: int) -> None:
        order = self.orders[order_id]
        order.wire["state"] = "cancelled"
        if order.assignee_id is not None:
            self.exits.append((self._bump(), order_id, order.assignee_id, "cancelled"))
        self._touch(order)

    def set_state(self, order_id: int, state: str) -> None:
        order = self.orders[order_id]
        order.wire["state"] = state
        self._touch(order)

    def add_blob(self, sha256: str, technician_id: int) -> None:
        """A blob uploaded by this technician (the server keeps one copy, and who sent it)."""
        self.blobs.add(sha256)
        self.uploads.add((sha256, technician_id))

    def _leave(self, order: _Order, new_assignee: int | None, reason: str) -> None:
        if order.assignee_id is not None and order.assignee_id != new_assignee:
            order.former.add(order.assignee_id)
            self.exits.append((self._bump(), order.wire["id"], order.assignee_id, reason))

    def _touch(self, order: _Order) -> None:
        order.wire["version"] += 1
        order.seq = self._bump()

    def _bump(self) -> int:
        self.seq += 1
        return self.seq

    # ---- the port --------------------------------------------------------------------------

    def find_report(self, uuid: str) -> StoredReport | None:
        return self.reports.get(uuid)

    def insert_report(self, report: NewReport) -> StoredReport:
        with self._lock:
            if report.uuid in self.reports:
                raise DuplicateReport(report.uuid)
            stored = StoredReport(self._next_report_id, report.uuid, report.content_hash,
                                  report.complete, report.conflict, report.received_at,
                                  report.blob_hashes)
            self._next_report_id += 1
            self.reports[report.uuid] = stored
            self.contents[report.uuid] = report
            return stored

    def complete_report(self, report_id: int) -> StoredReport:
        with self._lock:
            stored = next(r for r in self.reports.values() if r.id == report_id)
            stored = self.reports[stored.uuid] = replace(stored, complete=True)
            return stored

    def keep_aside(self, aside: AsideReport) -> None:
        with self._lock:
            key = (aside.uuid, aside.content_hash, aside.reason)
            if all((a.uuid, a.content_hash, a.reason) != key for a in self.aside):
                self.aside.append(aside)

    def order_for_sync(self, order_id: int) -> OrderForSync | None:
        order = self.orders.get(order_id)
        if order is None:
            return None
        wire = order.wire
        return OrderForSync(id=wire["id"], version=wire["version"], state=wire["state"],
                            assignee_id=order.assignee_id, form_type=wire["form"]["type"],
                            cancelled=wire["state"] == "cancelled",
                            meter_context=dict(order.meter_context),
                            former_assignee_ids=frozenset(order.former))

    def missing_blobs(self, hashes, technician_id) -> list[str]:
        return [h for h in dict.fromkeys(hashes) if h not in self.blobs or (h, technician_id) not in self.uploads]

    def order_changes(self, technician_id: int, after_seq: int, limit: int,
                      with_tombstones: bool) -> list[Change]:
        changes = [Change(o.seq, o.wire["id"], order=copy.deepcopy(o.wire))
                   for o in self.orders.values()
                   if o.assignee_id == technician_id and o.seq > after_seq
                   and o.wire["state"] != "cancelled"
                   and (with_tombstones or o.wire["state"] not in INACTIVE_STATES)]
        if with_tombstones:
            changes += [Change(seq, order_id, tombstone=reason)
                        for seq, order_id, tech, reason in self.exits
                        if tech == technician_id and seq > after_seq and not self._holds(tech, order_id)]
        return sorted(changes, key=lambda c: c.seq)[:limit]

    def _holds(self, technician_id: int, order_id: int) -> bool:
        order = self.orders[order_id]
        return order.assignee_id == technician_id and order.wire["state"] != "cancelled"

    def technician_counts(self, technician_id: int) -> tuple[int, int]:
        active = [o for o in self.orders.values()
                  if o.assignee_id == technician_id and o.wire["state"] not in INACTIVE_STATES]
        meters = {o.wire["meter"]["serial"] for o in active if o.wire.get("meter")}
        return len(active), len(meters)

    def current_forms(self) -> dict[str, dict]:
        latest: dict[str, dict] = {}
        for (form_type, version), definition in sorted(self.definitions.items()):
            latest[form_type] = definition
        return latest

    def form_definition(self, form_type: str, version: int) -> dict | None:
        return self.definitions.get((form_type, version))
