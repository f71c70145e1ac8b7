"""Tablet sync use cases: push reports, pull changes (the sync/ engine over the SQL store)."""
from datetime import datetime

from sqlalchemy import select, update

from sync.cursor import decode_cursor
from sync.engine import pull_changes, push_reports
from sync.fields import parse_datetime
from sync.schemas import load_pull_query, load_push_request

from ..blobs import BlobStore
from ..extensions import db
from ..models import Device, Report, User
from ..sync_store import SqlSyncStore
from .countersigners import countersigners_for
from .devices import record_telemetry
from .intake import absorb_synced_reports, tablet_verdict

DEVICE_TIME_HEADER = "X-Tournee-Device-Time"


def push(body: object, *, device: Device, user: User, headers, now: datetime, blobs: BlobStore) -> dict:
    """{"results": [...]}: each report stored (or kept aside) in its own transaction; a countersignature
    made on the tablet is judged with its proof and its verdict added to the result (PROTOCOL §8)."""
    reports, proofs = load_push_request(body)
    record_telemetry(device, headers, now)
    clock = parse_datetime(headers.get(DEVICE_TIME_HEADER) or "")
    with SqlSyncStore(blobs, now) as store:
        results = push_reports(store, user.id, device.id, reports, now, device_clock=clock)
    # Reports stored (each committed by the engine): their orders show as reported right away.
    stored = [r["report_id"] for r in results if r.get("report_id")]
    absorb_synced_reports(now, report_ids=stored, proofs=proofs)
    verdicts = {r.id: tablet_verdict(r) for r in db.session.scalars(select(Report).where(Report.id.in_(stored)))} \
        if stored else {}
    for result in results:
        verdict = verdicts.get(result.get("report_id"))
        if verdict and result["status"] in ("applied", "duplicate", "conflict"):
            result["countersignature"] = verdict
    return {"results": results}


def pull(args, *, device: Device, user: User, headers, now: datetime, blobs: BlobStore) -> dict:
    """One page of this technician's changes since the cursor in `args`, with the chiefs who may
    countersign on the tablet; the cursor handed back is the tablet's delivery receipt (PROTOCOL §3)."""
    query = load_pull_query(args)
    record_telemetry(device, headers, now)
    with SqlSyncStore(blobs, now) as store:
        page = pull_changes(store, user.id, query["cursor"], query["limit"])
    record_delivery(device, decode_cursor(query["cursor"], user.id).seq)
    return {**page, "countersigners": countersigners_for(user)}


def record_delivery(device: Device, seq: int) -> None:
    """Every change up to `seq` is on this tablet: it stored that cursor with the page it followed."""
    if seq:
        db.session.execute(update(Device).where(Device.id == device.id)
                           .where((Device.delivered_seq.is_(None)) | (Device.delivered_seq < seq))
                           .values(delivered_seq=seq))
        db.session.commit()
