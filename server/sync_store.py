"""The SQLAlchemy side of sync/ports.py: one transaction per report, a UNIQUE constraint for races.

Pull pages on `orders.change_seq` (bumped under a row lock by services.dossiers.orders.touch_order), so
a page never skips a change committed late; tombstones come from the cancelled state and from
`previous_assignee_id` (a technician who lost the order).
"""
from datetime import date, datetime, timezone
from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, cast, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

import forms
from sync.errors import DuplicateReport
from sync.ports import AsideReport, Change, NewReport, OrderForSync, StoredReport
from sync.rules import blob_hashes

from .blobs import BlobStore
from .extensions import db
from .local_time import as_utc
from .models import AuditEntry, DeliveryPoint, Meter, Order, QuarantinedReport, Reading, Report
from .services.base.audit import record
from .services.base.counters import current_value

INACTIVE_STATES = ("cancelled", "closed")
# The hot path of a push: constant Core statements, compiled once, values bound at execution.
REPORTS, AUDIT = Report.__table__, AuditEntry.__table__
REPORT_COLUMNS = ("uuid", "order_id", "technician_id", "device_id", "order_version", "form_type", "form_version",
                  "device_seq", "device_time", "received_at", "outcome", "reason_code", "content",
                  "content_sha256", "state", "conflict", "flags", "result")
INSERT_REPORT = insert(REPORTS).values({c: bindparam(c) for c in REPORT_COLUMNS}).returning(REPORTS.c.id)
INSERT_AUDIT = insert(AUDIT).values(at=bindparam("received_at"), user_id=bindparam("technician_id"),
                                    device_id=bindparam("device_id"), action="receive_report",
                                    object_type="report", object_id=bindparam("object_id"),
                                    details=bindparam("audit_details"))
_NEW_REPORT = INSERT_REPORT.cte("new_report")
# PostgreSQL: the report and its audit entry in one statement, so in one round trip (a statement is atomic).
INSERT_REPORT_AND_AUDIT = select(_NEW_REPORT.c.id).add_cte(insert(AUDIT).from_select(
    ["at", "user_id", "device_id", "action", "object_type", "object_id", "details"],
    select(bindparam("received_at", type_=AUDIT.c.at.type), bindparam("technician_id", type_=Integer),
           bindparam("device_id", type_=Integer), literal("receive_report"), literal("report"),
           cast(_NEW_REPORT.c.id, AUDIT.c.object_id.type), bindparam("audit_details", type_=AUDIT.c.details.type))
).cte("receive_audit"))
FIND_REPORT = select(Report.id, Report.uuid, Report.content_sha256, Report.state, Report.conflict,
                     Report.received_at, Report.content).where(Report.uuid == bindparam("uuid"))
ORDER_FOR_SYNC = select(
    Order.id, Order.version, Order.state, Order.assignee_id, Order.previous_assignee_id, Order.type,
    Meter.id.label("meter_id"), Meter.serial, Meter.dials, Meter.reading_mode,
).outerjoin(Meter, Meter.id == Order.meter_id).where(Order.id == bindparam("order_id"))
LAST_READINGS = (select(Reading.read_on, Reading.index)
                 .where(Reading.meter_id == bindparam("meter_id"), Reading.source != "estimated")
                 .order_by(Reading.read_on.desc()).limit(2))
CONTACT_ROLES_BY_TYPE = {  # W24: only the contacts the procedure needs on site
    "INVESTIGATION": ("owner", "manager", "agency", "landlord"),
    "CLOSURE": ("owner", "manager", "agency", "landlord"),
}


@lru_cache(maxsize=1)
def definitions() -> dict:
    return forms.load_definitions()


class SqlSyncStore:
    """SyncStore over the app's database session and a blob store."""

    def __init__(self, blobs: BlobStore, now: datetime, present):
        """`present(blobs, hashes, technician_id)`: the hashes a tablet may be told are here
        (services/field/uploads.present_for, the rule of HEAD /blobs too)."""
        self.present = present
        self.session = db.session
        self._connection = None  # the hot path's own connection, kept for the whole request
        self._owes_flush = False  # reports committed without waiting for the disk (PostgreSQL)
        self.blobs = blobs
        self.now = now
        self._orders: dict[int, OrderForSync | None] = {}

    def __enter__(self) -> "SqlSyncStore":
        return self

    def __exit__(self, *exc) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if connection.dialect.name != "postgresql":
                connection.rollback()
            elif any(exc):  # no answer goes out: nothing to flush, and never back to the pool with the setting
                connection.invalidate()
            else:
                connection.exec_driver_sql("RESET synchronous_commit")  # the pooled connection as it was
                if self._owes_flush:
                    flush_committed_reports(connection)
        finally:
            connection.close()

    @property
    def connection(self):
        """One connection for the request's reports: no pool checkout (and ping) per report.

        On PostgreSQL it runs each statement as its own transaction (a report is one INSERT, see
        insert_report) and does not wait for the disk at each commit: the push flushes them all once,
        before it answers (__exit__), so a report is on disk before the tablet hears it was stored,
        at the cost of one WAL flush per push instead of one per report."""
        if self._connection is None:
            connection = db.engine.connect()
            if connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("SET synchronous_commit TO off")
            self._connection = connection
        return self._connection

    # ---- reports ------------------------------------------------------------------------

    def find_report(self, uuid: str) -> StoredReport | None:
        row = self.connection.execute(FIND_REPORT, {"uuid": uuid}).first()
        if row is None:
            return None
        hashes = blob_hashes(row.content.get("attachments") or [], row.content.get("countersignature"))
        return StoredReport(row.id, row.uuid, row.content_sha256, row.state != "awaiting_blobs",
                            row.conflict, as_utc(row.received_at), hashes)

    def insert_report(self, new: NewReport) -> StoredReport:
        """Report row and its audit entry in one transaction (Core inserts: this is the hot path)."""
        state = "received" if new.complete else "awaiting_blobs"
        answer = ("conflict" if new.conflict else "applied") if new.complete else "awaiting_blobs"
        values = {
            "uuid": new.uuid, "order_id": new.order_id, "technician_id": new.technician_id,
            "device_id": new.device_id, "order_version": new.order_version, "form_type": new.form_type,
            "form_version": new.form_version, "device_seq": new.device_seq,
            # SQLite keeps no offset: store UTC so the time reads back right on both databases.
            "device_time": new.device_time.astimezone(timezone.utc) if new.device_time else None,
            "received_at": new.received_at, "outcome": new.outcome, "reason_code": new.reason_code,
            "content": new.content, "content_sha256": new.content_hash, "state": state,
            "conflict": new.conflict, "flags": list(new.flags), "result": {"status": answer},
            "audit_details": {"order_id": new.order_id, "uuid": new.uuid, "conflict": new.conflict,
                              "complete": new.complete}}
        connection = self.connection
        try:
            if connection.dialect.name == "postgresql":
                report_id = connection.execute(INSERT_REPORT_AND_AUDIT, values).scalar_one()
                self._owes_flush = True
            else:
                report_id = connection.execute(INSERT_REPORT, values).scalar_one()
                connection.execute(INSERT_AUDIT, {**values, "object_id": str(report_id)})
                connection.commit()
        except IntegrityError:
            connection.rollback()
            if self.find_report(new.uuid) is None:  # another constraint: a real error, not a race
                raise
            raise DuplicateReport(new.uuid) from None
        return StoredReport(report_id, new.uuid, new.content_hash, new.complete, new.conflict,
                            new.received_at, new.blob_hashes)

    def complete_report(self, report_id: int) -> StoredReport:
        done = self.session.execute(update(Report).where(Report.id == report_id, Report.state == "awaiting_blobs")
                                    .values(state="received"))
        if done.rowcount:  # only the request that made it complete records it
            record("complete_report", "report", report_id, at=self.now)
        self.session.commit()
        uuid = self.session.scalar(select(Report.uuid).where(Report.id == report_id))
        return self.find_report(uuid)

    def keep_aside(self, aside: AsideReport) -> None:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in aside.errors.items())
        kept = QuarantinedReport(
            uuid=aside.uuid or "", technician_id=aside.technician_id, device_id=aside.device_id,
            reason=aside.reason, content_sha256=aside.content_hash, details=details[:4000],
            content=aside.content, received_at=aside.received_at)
        self.session.add(kept)
        try:
            self.session.flush()
            entry = record("keep_report_aside", "quarantined_report", kept.id, device_id=aside.device_id,
                           at=aside.received_at, uuid=aside.uuid, reason=aside.reason)
            entry.user_id = aside.technician_id
            self.session.commit()
        except IntegrityError:  # this very content was already kept aside
            self.session.rollback()

    def missing_blobs(self, hashes, technician_id) -> list[str]:
        wanted = list(dict.fromkeys(hashes))
        present = self.present(self.blobs, wanted, technician_id) if wanted else set()
        return [h for h in wanted if h not in present]

    # ---- orders -------------------------------------------------------------------------

    def order_for_sync(self, order_id: int) -> OrderForSync | None:
        if order_id not in self._orders:  # a batch names the same orders again and again
            self._orders[order_id] = self._order_for_sync(order_id)
        return self._orders[order_id]

    def _order_for_sync(self, order_id: int) -> OrderForSync | None:
        row = self.connection.execute(ORDER_FOR_SYNC, {"order_id": order_id}).first()
        if row is None:
            return None
        meter = meter_facts(row, self.now.date(), self.connection) if row.meter_id else None
        former = {row.previous_assignee_id} - {None, row.assignee_id}
        return OrderForSync(
            id=row.id, version=row.version, state=row.state, assignee_id=row.assignee_id,
            form_type=row.type, cancelled=row.state == "cancelled", former_assignee_ids=frozenset(former),
            meter_context={"meter_serial": meter["serial"] if meter else None,
                           "dials": meter["dials"] if meter else None,
                           **{k: meter[k] if meter else None
                              for k in ("previous_index", "plausible_min", "plausible_max")}})

    def order_changes(self, technician_id: int, after_seq: int, limit: int,
                      with_tombstones: bool) -> list[Change]:
        # Only changes up to the committed counter: every one of them is committed (they are handed out
        # under the counter's row lock), so the two queries below agree even while the office writes.
        ceiling = current_value("orders")
        held = and_(Order.assignee_id == technician_id, Order.change_seq > after_seq, Order.change_seq <= ceiling,
                    Order.state != "cancelled")
        if not with_tombstones:
            held = and_(held, Order.state.not_in(INACTIVE_STATES))
        rows = self.session.scalars(
            select(Order).where(held).order_by(Order.change_seq).limit(limit)
            .options(selectinload(Order.point).selectinload(DeliveryPoint.commune),
                     selectinload(Order.point).selectinload(DeliveryPoint.contacts),
                     selectinload(Order.meter))).all()
        changes = [Change(o.change_seq, o.id, order=wire_order(o, self.now.date())) for o in rows]
        if with_tombstones:
            changes += self._tombstones(technician_id, after_seq, ceiling, limit)
        return sorted(changes, key=lambda c: c.seq)[:limit]

    def _tombstones(self, technician_id: int, after_seq: int, ceiling: int, limit: int) -> list[Change]:
        cancelled = and_(Order.assignee_id == technician_id, Order.state == "cancelled")
        moved = and_(Order.previous_assignee_id == technician_id,
                     or_(Order.assignee_id.is_(None), Order.assignee_id != technician_id))
        rows = self.session.execute(
            select(Order.id, Order.change_seq, Order.state)
            .where(Order.change_seq > after_seq, Order.change_seq <= ceiling, or_(cancelled, moved))
            .order_by(Order.change_seq).limit(limit)).all()
        return [Change(r.change_seq, r.id, tombstone="cancelled" if r.state == "cancelled" else "reassigned")
                for r in rows]

    def technician_counts(self, technician_id: int) -> tuple[int, int]:
        row = self.session.execute(
            select(func.count(Order.id), func.count(func.distinct(Order.meter_id)))
            .where(Order.assignee_id == technician_id, Order.state.not_in(INACTIVE_STATES))).one()
        return row[0], row[1]

    def current_forms(self) -> dict[str, dict]:
        latest: dict[str, dict] = {}
        for (form_type, _version), definition in sorted(definitions().items()):
            latest[form_type] = definition
        return latest

    def form_definition(self, form_type: str, version: int) -> dict | None:
        return definitions().get((form_type, version))


def flush_committed_reports(connection) -> None:
    """Wait until every transaction this connection committed is on disk (PostgreSQL): a transaction
    given an id writes a commit record, and committing it with synchronous_commit on flushes the
    write-ahead log up to there, which holds the earlier commits too."""
    connection.exec_driver_sql("SELECT txid_current()")


def wire_order(order: Order, today: date) -> dict:
    """ORDER of the contract for one order (dumped through OrderSchema by the engine)."""
    point = order.point
    roles = CONTACT_ROLES_BY_TYPE.get(order.type, ())
    versions = {t: v for (t, v) in sorted(definitions())}
    return {
        "id": order.id, "ref": order.ref, "version": order.version, "type": order.type, "state": order.state,
        "code": order.code, "planned_date": iso(order.planned_date), "window_start": iso(order.window_start),
        "window_end": iso(order.window_end), "round_position": order.round_position,
        "travel_fee": order.travel_fee, "utility": point.commune.utility,
        "form": {"type": order.type, "version": versions.get(order.type, 1)},
        "premises": {"address": point.address, "commune": point.commune.name, "lat": point.lat,
                     "lon": point.lon, "kind": point.kind, "individual_house": point.individual_house,
                     "access_notes": point.access_notes},
        "meter": meter_facts(order.meter, today),
        "contacts": [{"role": c.role, "name": c.name, "phone": c.phone} for c in point.contacts if c.role in roles],
        "requester": {"name": order.requester_name} if order.requester_name else None,
        "instructions": order.instructions,
    }


def meter_facts(meter, today: date, connection=None) -> dict | None:
    """The meter as the field needs it: identity, dials, last trusted index and the plausible range.

    `meter` is a Meter or a row with meter_id, serial, dials and reading_mode."""
    if meter is None:
        return None
    meter_id = getattr(meter, "meter_id", None) or meter.id
    readings = (connection or db.session.connection()).execute(LAST_READINGS, {"meter_id": meter_id}).all()
    previous = readings[0] if readings else None
    low, high = plausible_range(readings, today, meter.dials)
    return {"serial": meter.serial, "dials": meter.dials, "reading_mode": meter.reading_mode,
            "previous_index": previous.index if previous else None,
            "previous_date": iso(previous.read_on) if previous else None,
            "plausible_min": low, "plausible_max": high}


def plausible_range(readings, today: date, dials: int) -> tuple[int | None, int | None]:
    """From the last index to three times the usual consumption since (at least 50 units more)."""
    if not readings:
        return None, None
    last = readings[0]
    rate = 0.0
    if len(readings) > 1 and readings[0].read_on > readings[1].read_on:
        rate = max(0, last.index - readings[1].index) / (readings[0].read_on - readings[1].read_on).days
    days = max(1, (today - last.read_on).days)
    return last.index, min(10 ** dials - 1, last.index + max(50, int(3 * rate * days)))


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).isoformat() if isinstance(value, datetime) else value.isoformat()
