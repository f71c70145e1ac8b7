"""Tablet sync use cases: push reports, pull changes (the sync/ engine over the SQL store)."""
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from sync.cursor import decode_cursor
from sync.engine import pull_changes, push_reports
from sync.fields import parse_datetime
from sync.schemas import load_pull_query, load_push_request

from ...blobs import BlobStore
from ...extensions import db
from ...models import Device, Report, User
from ...sync_store import SqlSyncStore
from ..base.countersigners import countersigners_for
from .devices import record_telemetry
from .uploads import present_for
from ..review.arrivals import absorb_synced_reports, tablet_verdict

DEVICE_TIME_HEADER = "X-Tournee-Device-Time"


def push(body: object, *, device: Device, user: User, headers, now: datetime, blobs: BlobStore) -> dict:
    """{"results": [...]}: each report stored (or kept aside) in its own transaction; a countersignature
    made on the tablet is judged with its proof and its verdict added to the result (PROTOCOL §8)."""
    reports, proofs = load_push_request(body)
    record_telemetry(device, headers, now)
    clock = parse_datetime(headers.get(DEVICE_TIME_HEADER) or "")
    with SqlSyncStore(blobs, now, present_for) as store:
        results = push_reports(store, user.id, device.id, reports, now, device_clock=clock)
    # Reports stored (each committed by the engine): their orders show as reported right away. A stored
    # report holds the very content pushed (same hash), so only a push carrying a countersignature has
    # one to judge; without, only the orders still "assigned" are read (not the reports' contents).
    stored = [r["report_id"] for r in results if r.get("report_id")]
    countersigned = stored and any(isinstance(r, dict) and r.get("countersignature") for r in reports)
    absorb_synced_reports(now, report_ids=stored, proofs=proofs if countersigned else None)
    verdicts = {r.id: tablet_verdict(r) for r in db.session.scalars(select(Report).where(Report.id.in_(stored)))} \
        if countersigned else {}
    for result in results:
        verdict = verdicts.get(result.get("report_id"))
        if verdict and result["status"] in ("applied", "duplicate", "conflict"):
            result["countersignature"] = verdict
    return {"results": results}


def pull(args, *, device: Device, user: User, headers, now: datetime, blobs: BlobStore) -> dict:
    """One page of this technician's changes since the cursor in `args`, with the chiefs who may
    countersign on the tablet and how long the tablet keeps personal data after an acknowledgement; the cursor handed back is the tablet's delivery receipt (PROTOCOL §3)."""
    query = load_pull_query(args)
    record_telemetry(device, headers, now)
    with SqlSyncStore(blobs, now, present_for) as store:
        page = pull_changes(store, user.id, query["cursor"], query["limit"])
    record_delivery(device, handed_back=decode_cursor(query["cursor"], user.id).seq,
                    sent=decode_cursor(page["cursor"], user.id).seq)
    return {**page, "countersigners": countersigners_for(user),
            "tablet_retention_days": current_app.config["TABLET_RETENTION_DAYS"]}


def record_delivery(device: Device, *, handed_back: int, sent: int) -> None:
    """The tablet stored every change up to the cursor it handed back (it keeps a cursor only with the
    page it follows); a cursor is not signed, so what it proves is bounded by what this device was
    really sent. Then the page now answered is recorded as sent."""
    row = db.session.get(Device, device.id)
    delivered = delivery_receipt(handed_back, row.sent_seq, row.delivered_seq)
    if delivered != row.delivered_seq or sent > (row.sent_seq or 0):
        db.session.execute(update(Device).where(Device.id == device.id)
                           .values(delivered_seq=delivered, sent_seq=max(sent, row.sent_seq or 0)))
        db.session.commit()


def delivery_receipt(handed_back: int, sent: int | None, delivered: int | None) -> int | None:
    """The change sequence a tablet proved to hold: the cursor it handed back, never beyond what it was
    sent, never going back."""
    proved = min(handed_back, sent or 0)
    return max(proved, delivered or 0) or delivered
