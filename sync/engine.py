"""The sync engine: push (one answer per report) and pull (one page of changes), over a SyncStore.

Pure: no I/O of its own, no clock (the caller gives `received_at`), no framework.
"""
from datetime import datetime, timezone

from forms import validate_submission
from marshmallow import ValidationError

from . import messages as msg
from .content import canonical_bytes, content_hash, hash_of_canonical
from .cursor import Cursor, decode_cursor, encode_cursor
from .errors import DuplicateReport, InvalidRequest
from .fields import UUID_RE, parse_datetime
from .ports import AsideReport, NewReport, StoredReport, SyncStore
from .rules import (attachment_errors, blob_hashes, clock_skew_flag, conflict_reason, may_report_on,
                    stale_version_flag)
from .schemas import MAX_REPORT_BYTES, PULL_LIMIT_MAX, OrderSchema, ReportSchema, flatten_errors

MAX_DEPTH = 12  # a report nests 5 levels (signature strokes); more is hostile
HTTP_STATUS = {"applied": 200, "duplicate": 200, "awaiting_blobs": 200, "conflict": 200,
               "rejected": 422, "mismatch": 409}
_report_schema = ReportSchema()
_order_schema = OrderSchema()


class _Refusal(Exception):
    """A report the server will not count: kept aside, answered `rejected`."""

    def __init__(self, errors: dict, reason: str = "rejected", http_status: int = 422):
        super().__init__(reason)
        self.errors, self.reason, self.http_status = errors, reason, http_status


def push_reports(store: SyncStore, technician_id: int, device_id: int | None, reports: list,
                 received_at: datetime, device_clock: datetime | None = None) -> list[dict]:
    """One result per report, in order; each report is stored (or kept aside) on its own."""
    return [push_report(store, technician_id, device_id, raw, received_at, device_clock)
            for raw in reports]


def push_report(store: SyncStore, technician_id: int, device_id: int | None, raw: object,
                received_at: datetime, device_clock: datetime | None = None) -> dict:
    """The answer to one report: applied, duplicate, awaiting_blobs, conflict, rejected or mismatch.

    Optimistic: a new report is judged and inserted without looking first; the UNIQUE constraint
    tells a UUID already stored (a retry, a race, a mismatch), and only then is the stored one read.
    A refusal also looks first for a stored report, whose answer wins (a retry is never refused)."""
    uuid = _uuid_of(raw)
    try:
        report, chash = _load(raw)
        try:
            new = _judge(store, technician_id, device_id, report, chash, received_at, device_clock)
            return _answer(store.insert_report(new), store, technician_id)
        except (DuplicateReport, _Refusal):
            stored = store.find_report(uuid)
            if stored is None:
                raise
        return _again(store, stored, chash, raw, technician_id, device_id, received_at)
    except _Refusal as refusal:
        chash, kept = _keepable(raw)
        store.keep_aside(AsideReport(uuid, chash, kept, refusal.reason, refusal.errors,
                                     technician_id, device_id, received_at))
        return {"uuid": uuid, "status": "rejected", "errors": refusal.errors,
                "http_status": refusal.http_status}


def _keepable(raw: object) -> tuple[str, object]:
    """(content hash, content) to keep aside; what cannot be written as JSON is kept as its repr."""
    try:
        return content_hash(raw), raw
    except (ValueError, TypeError):
        return "", {"unreadable": ascii(raw)[:MAX_REPORT_BYTES]}


def _uuid_of(raw: object) -> str | None:
    value = raw.get("uuid") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and UUID_RE.match(value) else None


def _load(raw: object) -> tuple[dict, str]:
    """The report checked against the wire schema, and its content hash (one canonical form for both)."""
    if not isinstance(raw, dict):
        raise _Refusal({"_schema": [msg.NOT_AN_OBJECT]})
    if _depth_exceeds(raw, MAX_DEPTH):
        raise _Refusal({"_schema": [msg.TOO_DEEP.format(max=MAX_DEPTH)]})
    try:
        canonical = canonical_bytes(raw)
    except ValueError:  # NaN, infinity or a lone surrogate somewhere: not storable JSON text
        raise _Refusal({"_schema": [msg.NOT_JSON_TEXT]}) from None
    if len(canonical) > MAX_REPORT_BYTES:
        raise _Refusal({"_schema": [msg.REPORT_TOO_BIG.format(max=MAX_REPORT_BYTES)]})
    try:
        return _report_schema.load(raw), hash_of_canonical(canonical)
    except ValidationError as error:
        raise _Refusal(flatten_errors(error.messages)) from None


def _depth_exceeds(value: object, limit: int) -> bool:
    """Whether JSON nests deeper than `limit` (checked without recursion: hostile input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _judge(store, technician_id, device_id, report, chash, received_at, device_clock) -> NewReport:
    """Check the report against its order and form; the record to store, or a _Refusal."""
    order = store.order_for_sync(report["order_id"])
    if order is None:
        raise _Refusal({"order_id": [msg.UNKNOWN_ORDER]})
    if not may_report_on(order, technician_id):
        raise _Refusal({"order_id": [msg.NOT_YOUR_ORDER]}, reason="forbidden", http_status=403)
    if report["form_type"] != order.form_type:
        raise _Refusal({"form_type": [msg.WRONG_FORM_TYPE.format(expected=order.form_type)]})
    definition = store.form_definition(report["form_type"], report["form_version"])
    if definition is None:
        raise _Refusal({"form_version": [msg.UNKNOWN_FORM_VERSION]})
    attachments = report.get("attachments") or []
    errors = validate_submission(definition, report["outcome"], report["answers"],
                                 order.meter_context, reason_code=report.get("reason_code"))
    errors = _merge(errors, attachment_errors(report["answers"], attachments))
    if errors:
        raise _Refusal(errors)
    hashes = blob_hashes(attachments, report.get("countersignature"))
    device_time = parse_datetime(report["device_time"])
    flags = tuple(f for f in (clock_skew_flag(device_time, received_at, device_clock),
                              stale_version_flag(order, report["order_version"])) if f)
    return NewReport(
        uuid=report["uuid"], content_hash=chash, content=report, technician_id=technician_id,
        device_id=device_id, order_id=order.id, order_version=report["order_version"],
        form_type=report["form_type"], form_version=report["form_version"],
        device_seq=report["device_seq"], device_time=device_time, outcome=report["outcome"],
        reason_code=report.get("reason_code"), received_at=received_at, blob_hashes=hashes,
        complete=not store.missing_blobs(hashes, technician_id), conflict=conflict_reason(order, technician_id),
        flags=flags)


def _again(store, stored: StoredReport, chash, raw, technician_id, device_id, received_at) -> dict:
    """A UUID already stored: the stored answer, completion, or a mismatch kept aside."""
    if stored.content_hash != chash:
        errors = {"uuid": [msg.UUID_CONTENT_MISMATCH]}
        store.keep_aside(AsideReport(stored.uuid, chash, raw, "mismatch", errors,
                                     technician_id, device_id, received_at))
        return {"uuid": stored.uuid, "status": "mismatch", "errors": errors, "http_status": 409}
    if stored.complete:
        return _verdict_again(stored)
    if store.missing_blobs(stored.blob_hashes, technician_id):
        return _answer(stored, store, technician_id)
    return _answer(store.complete_report(stored.id), store, technician_id)


def _answer(stored: StoredReport, store: SyncStore, technician_id: int) -> dict:
    if not stored.complete:
        result = _result(stored, "awaiting_blobs")
        result["missing_blobs"] = store.missing_blobs(stored.blob_hashes, technician_id)
        return result
    return _result(stored, "conflict" if stored.conflict else "applied")


def _verdict_again(stored: StoredReport) -> dict:
    """A complete report pushed again: its stored verdict. A conflict stays a conflict, with its reason,
    however many times it is sent (a tablet whose first answer was lost must still learn of it)."""
    return _result(stored, "conflict" if stored.conflict else "duplicate")


def _result(stored: StoredReport, status: str) -> dict:
    result = {"uuid": stored.uuid, "status": status, "report_id": stored.id,
              "received_at": format_time(stored.received_at), "http_status": HTTP_STATUS[status]}
    if status == "conflict":
        result["conflict"] = stored.conflict
    return result


def format_time(moment: datetime) -> str:
    """Server times on the wire: UTC, ISO 8601, milliseconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _merge(first: dict, second: dict) -> dict:
    merged = {k: list(v) for k, v in first.items()}
    for key, messages in second.items():
        merged.setdefault(key, []).extend(messages)
    return merged


# ---- pull -----------------------------------------------------------------------------------

def pull_changes(store: SyncStore, technician_id: int, cursor: str | None, limit: int) -> dict:
    """One page of what changed for this technician since `cursor` (empty: from scratch)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PULL_LIMIT_MAX:
        raise InvalidRequest(fields={"limit": [msg.OUT_OF_RANGE.format(min=1, max=PULL_LIMIT_MAX)]})
    position = decode_cursor(cursor, technician_id)
    changes = store.order_changes(technician_id, position.seq, limit + 1,
                                  with_tombstones=not position.fresh)
    page = changes[:limit]
    latest = {c.order_id: c for c in page}  # an order leaving then coming back: the last word counts
    current = store.current_forms()
    versions = {form_type: d["version"] for form_type, d in sorted(current.items())}
    orders, meters = store.technician_counts(technician_id)
    return {
        "orders": [_order_schema.dump(c.order) for c in latest.values() if c.order is not None],
        "tombstones": [{"order_id": c.order_id, "reason": c.tombstone}
                       for c in latest.values() if c.order is None],
        "forms": [current[t] for t in versions if position.forms.get(t) != versions[t]],
        "cursor": encode_cursor(Cursor(technician_id, page[-1].seq if page else position.seq, versions)),
        "has_more": len(changes) > limit,
        "counts": {"orders": orders, "meters": meters, "forms": versions},
    }
