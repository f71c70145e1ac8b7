"""Tablet sync use cases: push reports, pull changes (the sync/ engine over the SQL store)."""
from datetime import datetime

from sync.engine import pull_changes, push_reports
from sync.fields import parse_datetime
from sync.schemas import load_pull_query, load_push_request

from ..blobs import BlobStore
from ..models import Device, User
from ..sync_store import SqlSyncStore
from .devices import record_telemetry
from .intake import absorb_synced_reports

DEVICE_TIME_HEADER = "X-Tournee-Device-Time"


def push(body: object, *, device: Device, user: User, headers, now: datetime, blobs: BlobStore) -> dict:
    """{"results": [...]}: each report stored (or kept aside) in its own transaction."""
    reports = load_push_request(body)
    record_telemetry(device, headers, now)
    clock = parse_datetime(headers.get(DEVICE_TIME_HEADER) or "")
    with SqlSyncStore(blobs, now) as store:
        results = push_reports(store, user.id, device.id, reports, now, device_clock=clock)
    # Reports stored (each committed by the engine): their orders show as reported right away.
    absorb_synced_reports(now, report_ids=[r["report_id"] for r in results if r.get("report_id")])
    return {"results": results}


def pull(args, *, device: Device, user: User, headers, now: datetime, blobs: BlobStore) -> dict:
    """One page of this technician's changes since the cursor in `args`."""
    query = load_pull_query(args)
    record_telemetry(device, headers, now)
    with SqlSyncStore(blobs, now) as store:
        return pull_changes(store, user.id, query["cursor"], query["limit"])
