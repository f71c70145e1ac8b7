"""The world of the sync unit tests and golden exchanges: fixtures/sync/world.json in a MemoryStore."""
import copy
import hashlib
import json
from datetime import datetime
from pathlib import Path

import forms
from sync.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "fixtures" / "sync"
WORLD = json.loads((GOLDEN / "world.json").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(WORLD["now"])
ALICE, BRUNO = 7, 8
ALICE_DEVICE, BRUNO_DEVICE = 70, 80


def definitions() -> dict:
    return forms.load_definitions()


def new_store() -> MemoryStore:
    return MemoryStore.from_world(copy.deepcopy(WORLD), definitions())


def blob(name: str) -> str:
    """A deterministic fake blob hash."""
    return hashlib.sha256(name.encode()).hexdigest()


PHOTO = blob("dials-101")
SIGNATURE = blob("signature-alice")


def add_blobs(store: MemoryStore, *hashes: str, by: tuple = (ALICE, BRUNO)) -> None:
    """The blobs uploaded by these technicians (by default each of them sent their own copy)."""
    for sha256 in hashes or (PHOTO, SIGNATURE):
        for technician_id in by:
            store.add_blob(sha256, technician_id)


def reading_report(uuid: str = "6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5a", order_id: int = 101,
                   index: int = 1250, photo: str = PHOTO, signature: str = SIGNATURE, **overrides) -> dict:
    """A valid READING report on order 101 (meter W19-000101): photo of the dials, technician's signature."""
    report = {
        "uuid": uuid, "order_id": order_id, "order_version": 1, "form_type": "READING",
        "form_version": 1, "device_seq": 1, "device_time": "2026-03-02T09:12:30+01:00",
        "outcome": "done", "reason_code": None,
        "answers": {"meter_serial": "W19-000101", "index": index, "photo_index": [photo],
                    "sig_technician": {"sha256": signature, "signer_name": "Alice Martin",
                                       "strokes": [[[12, 40], [30, 22], [55, 41]], [[60, 30], [90, 31.5]]]}},
        "attachments": [
            {"sha256": photo, "field": "photo_index", "kind": "photo", "content_type": "image/jpeg",
             "size": 48213, "captured_at": "2026-03-02T09:11:58+01:00", "lat": 44.40812, "lon": 0.70459},
            {"sha256": signature, "field": "sig_technician", "kind": "signature", "content_type": "image/png",
             "size": 2310, "captured_at": "2026-03-02T09:12:20+01:00", "lat": None, "lon": None}],
        "position": {"lat": 44.40809, "lon": 0.70462, "accuracy": 8.5},
        "started_at": "2026-03-02T09:05:00+01:00", "finished_at": "2026-03-02T09:12:30+01:00",
        "countersignature": None,
    }
    report.update(overrides)
    return report
