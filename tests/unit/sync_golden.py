"""The golden exchanges of fixtures/sync/: their scenarios, and a replayer over the sync engine.

`python -m tests.unit.sync_golden` rewrites the files from the scenarios below (requests written
here, responses computed by the engine, HTTP-only refusals written by hand); the tests replay
them and must get the same answers.
"""
import copy
import hashlib
import json
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from sync.engine import pull_changes, push_reports
from sync.errors import SyncError
from sync.memory import MemoryStore
from sync.schemas import load_pull_query, load_push_request
from tests.unit.sync_world import GOLDEN, WORLD, definitions, reading_report

FILES = ("push.json", "pull.json", "errors.json")
TOKENS = {t["token"]: t for t in WORLD["technicians"]}
ALICE_AUTH = {"Authorization": "Bearer golden-token-7"}
BRUNO_AUTH = {"Authorization": "Bearer golden-token-8"}
AT = WORLD["now"]


def blob_file(name: str) -> tuple[bytes, str]:
    data = (GOLDEN / "blobs" / name).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def photo_report(uuid: str, order_id: int, blob: str, **overrides) -> dict:
    """A READING report on `order_id` with the photo `blob` and Alice's signature (blobs/signature.png)."""
    data, sha = blob_file(blob)
    signature, signature_sha = blob_file("signature.png")
    kind = "image/png" if blob.endswith(".png") else "image/jpeg"
    serial = next(o["order"]["meter"]["serial"] for o in WORLD["orders"] if o["order"]["id"] == order_id)
    report = reading_report(uuid=uuid, order_id=order_id, photo=sha, signature=signature_sha, **overrides)
    report["answers"]["meter_serial"] = serial
    report["attachments"][0].update(content_type=kind, size=len(data))
    report["attachments"][1].update(size=len(signature))
    return report


def put(blob: str, headers=ALICE_AUTH) -> dict:
    _, sha = blob_file(blob)
    return {"method": "PUT", "path": f"/api/v1/blobs/{sha}", "body_file": f"blobs/{blob}",
            "headers": {**headers, "Content-Type": "image/png" if blob.endswith(".png") else "image/jpeg"}}


def push(*reports, headers=ALICE_AUTH) -> dict:
    return {"method": "POST", "path": "/api/v1/sync/push", "headers": dict(headers), "body": {"reports": list(reports)}}


def pull(query: str = "", headers=ALICE_AUTH) -> dict:
    return {"method": "GET", "path": "/api/v1/sync/pull" + (f"?{query}" if query else ""), "headers": dict(headers)}


# ---- replay over the engine --------------------------------------------------------------------

def new_store() -> MemoryStore:
    return MemoryStore.from_world(copy.deepcopy(WORLD), definitions())


def apply_office(store: MemoryStore, action: dict) -> None:
    """The office's changes between exchanges (cancel, reassign, move in the round)."""
    order = action["order_id"]
    if action["action"] == "cancel":
        store.cancel(order)
    elif action["action"] == "reassign":
        store.reassign(order, action["to"])
    elif action["action"] == "move":
        store.orders[order].wire["round_position"] = action["round_position"]
        store.set_state(order, store.orders[order].wire["state"])


def replay(store: MemoryStore, exchange: dict, cursors: dict | None = None) -> dict:
    """The engine's {"status", "body"} for one exchange's request."""
    for action in exchange.get("office", []):
        apply_office(store, action)
    request = exchange["request"]
    technician = TOKENS.get(request["headers"].get("Authorization", "").removeprefix("Bearer "))
    at = datetime.fromisoformat(exchange.get("at", AT))
    try:
        if request["method"] == "PUT":
            data = (GOLDEN / request["body_file"]).read_bytes()
            sha = request["path"].rsplit("/", 1)[1]
            created = sha not in store.blobs
            store.add_blob(sha, technician["id"])
            return {"status": 201 if created else 200, "body": {"sha256": sha, "size": len(data)}}
        if request["method"] == "POST":
            reports, _ = load_push_request(request["body"])
            return {"status": 200, "body": {"results": push_reports(
                store, technician["id"], technician["device_id"], reports, at)}}
        query = {k: v[0] for k, v in parse_qs(urlsplit(request["path"]).query, keep_blank_values=True).items()}
        args = load_pull_query(query)
        return {"status": 200, "body": pull_changes(store, technician["id"], args["cursor"], args["limit"])}
    except SyncError as error:
        return {"status": error.http_status, "body": error.to_dict()}


def load(name: str) -> list[dict]:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def normalised(response: dict) -> dict:
    """A response with form definitions reduced to (type, version) and field errors to their keys: the
    forms' content and wording are forms/'s business (its own golden cases); these files check the rest."""
    body = response.get("body")
    if isinstance(body, dict) and "forms" in body:
        body = {**body, "forms": [[d["type"], d["version"]] for d in body["forms"]]}
    if isinstance(body, dict) and "results" in body:  # wording of messages is not the contract, fields are
        body = {"results": [{**r, "errors": sorted(r["errors"])} if "errors" in r else r for r in body["results"]]}
    return {**response, "body": body}
