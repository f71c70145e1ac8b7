"""The scenarios of the golden files; `python -m tests.unit.sync_golden_scenarios` rewrites them."""
import json

from sync.cursor import Cursor, encode_cursor
from tests.unit.sync_golden import (AT, BRUNO_AUTH, FILES, GOLDEN, blob_file, new_store, photo_report, pull, push,
                                    put, replay)

UUID_A = "6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5a"
UUID_B = "0b9e3f0a-5a1e-4c1b-8d7e-2f4a6b8c0d1e"
UUID_C = "3c2d1e0f-9a8b-4c7d-8e6f-5a4b3c2d1e0f"
UUID_D = "9d8c7b6a-5f4e-4d3c-a2b1-0f9e8d7c6b5a"
UUID_E = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
UUID_F = "f0e1d2c3-b4a5-4968-8776-655443322110"


def push_scenario() -> list[dict]:
    a = photo_report(UUID_A, 101, "dials.png")
    b = photo_report(UUID_B, 101, "meter.jpg", device_seq=2, index=1252)
    c = photo_report(UUID_C, 106, "dials.png", device_seq=3, index=530)
    wrong = photo_report(UUID_E, 101, "dials.png", device_seq=5)
    wrong["answers"]["meter_serial"] = "W00-999999"
    theirs = photo_report(UUID_F, 104, "dials.png", device_seq=6, index=3150)
    d = photo_report(UUID_D, 101, "dials.png", device_seq=4, index=1240)
    return [
        ex("blob-created", "A new photo is stored: 201 with its hash and size.", put("dials.png")),
        ex("blob-already-present", "The same photo again: 200, nothing stored twice.", put("dials.png")),
        ex("blob-signature", "The technician's signature drawing, a PNG.", put("signature.png")),
        ex("push-applied", "A complete report whose photo is on the server counts at once.", push(a)),
        ex("push-duplicate", "The same report again (its answer was lost): the stored answer, status duplicate.",
           push(a), at="2026-03-02T10:05:00.000+00:00"),
        ex("push-mismatch", "Same UUID, other content: 409-class result, the first report untouched, this one kept aside.",
           push({**a, "answers": {**a["answers"], "index": 1299}})),
        ex("push-awaiting-blobs", "Its photo is not uploaded yet: stored, the missing hash listed.", push(b)),
        ex("blob-missing-uploaded", "The tablet uploads the missing photo.", put("meter.jpg")),
        ex("push-awaiting-then-applied", "Pushed again once the photo is there: applied.", push(b),
           at="2026-03-02T10:06:00.000+00:00"),
        ex("push-conflict-cancelled", "The office cancelled order 106 meanwhile: stored, flagged, acknowledged.",
           push(c), office=[{"action": "cancel", "order_id": 106}]),
        ex("push-conflict-again", "The same conflict report again (its answer was lost): the stored verdict, "
           "conflict with its reason, never duplicate.", push(c), at="2026-03-02T10:07:00.000+00:00"),
        ex("push-rejected", "The serial does not match the meter and the outcome is not anomaly: refused by the form, kept aside.",
           push(wrong)),
        ex("push-rejected-not-yours", "Order 104 was never this technician's: refused with http_status 403.", push(theirs)),
        ex("push-conflict-reassigned", "Order 101 was given to Bruno meanwhile: stored, flagged, acknowledged.",
           push(d), office=[{"action": "reassign", "order_id": 101, "to": 8}]),
        ex("push-batch", "Several reports in one call: one result each, in order.", push(a, b, wrong, theirs)),
    ]


def pull_scenario() -> list[dict]:
    store = new_store()
    first = ex("pull-fresh-page-1", "An empty cursor: a full snapshot, in pages of 3; all form definitions.",
               pull("limit=3"))
    page1 = replay(store, first)["body"]
    second = ex("pull-fresh-page-2", "The next page with the cursor of the first; no forms again.",
                pull(f"cursor={page1['cursor']}&limit=3"))
    page2 = replay(store, second)["body"]
    changes = ex("pull-changes", "After the office cancelled 103, gave 105 to Bruno and moved 102: "
                 "one order, two tombstones.", pull(f"cursor={page2['cursor']}"),
                 office=[{"action": "cancel", "order_id": 103}, {"action": "reassign", "order_id": 105, "to": 8},
                         {"action": "move", "order_id": 102, "round_position": 9}])
    page3 = replay(store, changes)["body"]
    quiet = ex("pull-nothing-new", "Nothing changed since: empty lists, same cursor.", pull(f"cursor={page3['cursor']}"))
    bruno = ex("pull-other-technician", "Bruno's snapshot: his own order and the one given to him.",
               pull("", headers=BRUNO_AUTH))
    return [first, second, changes, quiet, bruno]


def errors_scenario() -> list[dict]:
    a = photo_report(UUID_A, 101, "dials.png")
    return [
        ex("pull-garbage-cursor", "A cursor that is not ours: 400 invalid_cursor; the tablet restarts from an empty cursor.",
           pull("cursor=bm90LWEtY3Vyc29y")),
        ex("pull-other-technicians-cursor", "Bruno's cursor presented by Alice: 400 invalid_cursor.",
           pull(f"cursor={encode_cursor(Cursor(technician_id=8, seq=3))}")),
        ex("pull-limit-out-of-range", "limit must be 1..500: 422 invalid_request naming the field.", pull("limit=0")),
        ex("push-empty", "No report: 422 invalid_request.", push()),
        ex("push-too-many", "More than 50 reports: 422 invalid_request.", push(*([{}] * 51))),
        ex("push-unknown-envelope-field", "Unknown key next to reports: 422 invalid_request.",
           {**push(a), "body": {"reports": [a], "device": "x"}}),
        ex("push-malformed-report", "A report with wrong types is rejected alone, the call succeeds.",
           push({**a, "order_id": "101", "device_seq": -1, "extra": True})),
        http("no-token", "Without a bearer token: 401 unauthorized.",
             {"method": "GET", "path": "/api/v1/sync/pull", "headers": {}}, 401, "unauthorized"),
        http("unknown-token", "An unknown or revoked token: 401 unauthorized.",
             {"method": "POST", "path": "/api/v1/sync/push", "headers": {"Authorization": "Bearer revoked"},
              "body": {"reports": [a]}}, 401, "unauthorized"),
        http("blob-hash-mismatch", "The body's SHA-256 is not the name: 422 hash_mismatch.",
             {**put("dials.png"), "path": "/api/v1/blobs/" + "0" * 64}, 422, "hash_mismatch"),
        http("blob-not-an-image", "Not a JPEG/PNG/WebP by content: 415 unsupported_media_type.",
             {**put("dials.png"), "body_file": "blobs/not-an-image.txt",
              "path": "/api/v1/blobs/" + blob_file("not-an-image.txt")[1]},
             415, "unsupported_media_type"),
    ]


def ex(name, description, request, office=None, at=AT) -> dict:
    exchange = {"name": name, "description": description, "at": at}
    if office:
        exchange["office"] = office
    exchange["request"] = request
    return exchange


def http(name, description, request, status, code) -> dict:
    """An exchange only the HTTP layer can answer (authentication, blob checks)."""
    exchange = ex(name, description, request)
    exchange.update(layers=["http"], response={"status": status, "body": {"error": code, "message": "…"}})
    return exchange


def write_all() -> None:
    for name, scenario in zip(FILES, (push_scenario, pull_scenario, errors_scenario)):
        store, exchanges = new_store(), scenario()
        for exchange in exchanges:
            if "http" not in exchange.get("layers", ["engine"]):
                exchange["response"] = replay(store, exchange)
        text = json.dumps(exchanges, indent=2, ensure_ascii=False) + "\n"
        (GOLDEN / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_all()
