"""A tablet speaking the wire contract over real HTTP (urllib), for the main-job browser tests:
enrol, pull, upload blobs, push a report filled from the pulled form definition."""
import hashlib
import json
import urllib.request
import uuid as uuidlib
from datetime import datetime, timezone
from pathlib import Path

from sync.content import content_hash
from sync.proofs import countersignature_proof, derive_countersign_key

ROOT = Path(__file__).resolve().parents[2]
PHOTO = (ROOT / "fixtures" / "sync" / "blobs" / "meter.jpg").read_bytes()
SIGNATURE_PNG = (ROOT / "fixtures" / "sync" / "blobs" / "signature.png").read_bytes()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Tablet:
    def __init__(self, base_url: str, login: str, password: str = "tournee2026"):
        self.base = base_url
        enrolled = self.call("POST", "/api/v1/devices", {"login": login, "password": password, "device_name": f"Tablette {login}"})
        self.token, self.technician = enrolled["token"], enrolled["technician"]
        self.orders, self.forms, self.seq, self.countersigners, self.cursor = {}, {}, 0, [], ""

    def call(self, method: str, path: str, body=None, data: bytes | None = None, content_type="application/json"):
        payload = data if data is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=payload, method=method)
        request.add_header("Content-Type", content_type)
        if getattr(self, "token", None):
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=20) as answer:
            text = answer.read().decode()
            return json.loads(text) if text else None

    def pull(self, fresh: bool = True) -> dict:
        """Every page from scratch (or from the last cursor); the cursor handed back is the receipt."""
        page = {"has_more": True}
        if fresh:
            self.cursor = ""
        while page["has_more"]:
            page = self.call("GET", f"/api/v1/sync/pull?cursor={self.cursor}&limit=100")
            self.orders.update({o["id"]: o for o in page["orders"]})
            self.forms.update({f["type"]: f for f in page["forms"]})
            self.countersigners = page["countersigners"]
            self.cursor = page["cursor"]
        return page

    def order_at(self, address_part: str) -> dict:
        return next(o for o in self.orders.values() if address_part in o["premises"]["address"])

    def upload(self, data: bytes, content_type: str) -> str:
        self.call("PUT", f"/api/v1/blobs/{sha(data)}", data=data, content_type=content_type)
        return sha(data)

    def complete(self, order: dict, *, outcome: str = "done", overrides: dict | None = None,
                 countersignature: dict | None = None, chief_code: str | None = None) -> dict:
        """Fill every field the form asks for this outcome, upload the blobs, push; the push result.
        With `chief_code`, the countersignature names the salt of the chief's code this tablet knows and
        its proof is sent beside the report (PROTOCOL §8)."""
        if countersignature and "salt" not in countersignature:
            known = next((c for c in self.countersigners if c["login"] == countersignature["chief_login"]), None)
            countersignature = {**countersignature, **({"salt": known["salt"]} if known else {})}
        photo, signature = self.upload(PHOTO, "image/jpeg"), self.upload(SIGNATURE_PNG, "image/png")
        definition = self.forms[order["form"]["type"]]
        answers, attachments = {}, []
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        overrides = overrides or {}
        required = next(set(o.get("requires", [])) for o in definition["outcomes"] if o["code"] == outcome)
        for field in definition["fields"]:
            wanted = field["id"] in required or field["id"] in overrides or outcome in field.get("must_be_true_for", []) \
                or any({**answers, **overrides}.get(k) == v for k, v in (field.get("required_when") or {}).items())
            value = self.answer_for(field, order, photo, signature, overrides) if wanted else None
            if value is None:
                continue
            answers[field["id"]] = value
            if field["type"] == "photo":
                attachments.append({"sha256": photo, "field": field["id"], "kind": "photo", "content_type": "image/jpeg",
                                    "size": len(PHOTO), "captured_at": now, "lat": order["premises"]["lat"], "lon": order["premises"]["lon"]})
            elif field["type"] == "signature":
                attachments.append({"sha256": signature, "field": field["id"], "kind": "signature", "content_type": "image/png",
                                    "size": len(SIGNATURE_PNG), "captured_at": now, "lat": None, "lon": None})
        self.seq += 1
        report = {"uuid": str(uuidlib.uuid4()), "order_id": order["id"], "order_version": order["version"],
                  "form_type": definition["type"], "form_version": definition["version"], "device_seq": self.seq,
                  "device_time": now, "outcome": outcome, "reason_code": None, "answers": answers, "attachments": attachments,
                  "position": {"lat": order["premises"]["lat"], "lon": order["premises"]["lon"], "accuracy": 5.0},
                  "started_at": now, "finished_at": now, "countersignature": countersignature}
        body = {"reports": [report]}
        if countersignature and chief_code is not None:
            body["countersignature_proofs"] = {report["uuid"]: self.proof(report, chief_code)}
        self.last_push = body
        return self.call("POST", "/api/v1/sync/push", body)["results"][0]

    def proof(self, report: dict, code: str) -> str:
        """What the tablet computes once the chief typed their code; a chief it does not know gets a made-up salt."""
        login = report["countersignature"]["chief_login"]
        chief = next((c for c in self.countersigners if c["login"] == login), {"salt": "0" * 32, "iterations": 1000})
        key = derive_countersign_key(code, chief["salt"], chief["iterations"])
        return countersignature_proof(key, report["uuid"], login, content_hash(report))

    @staticmethod
    def answer_for(field: dict, order: dict, photo: str, signature: str, overrides: dict):
        if field["id"] in overrides:
            return overrides[field["id"]]
        meter = order.get("meter") or {}
        kind = field["type"]
        if kind == "serial":
            return meter.get("serial")
        if kind == "index":
            return (meter.get("previous_index") or 0) + 7
        if kind == "photo":
            return [photo]
        if kind == "signature":
            return {"sha256": signature, "signer_name": "Julien Roux", "strokes": [[[4, 4], [40, 30], [90, 12]]]}
        if kind == "boolean":
            return True
        if kind == "checklist":
            return [s["id"] if isinstance(s, dict) else s for s in field.get("steps", [])]
        if kind == "choice":
            options = field.get("options") or []
            return (options[0]["value"] if isinstance(options[0], dict) else options[0]) if options else None
        if kind == "text":
            return "RAS"
        return None
