"""Seals of countersigned reports: a SHA-256 over the canonical report content, every signature with
its strokes, the signer, the technician, the device, the device time and the server receipt time
(PITFALLS 22). Pure functions: the caller gathers the facts, these compute and compare."""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from sync.content import canonical_json

SEAL_VERSION = 1


@dataclass(frozen=True)
class SealFacts:
    """Everything a seal binds together."""
    report_uuid: str
    version_number: int
    content: dict  # the report content of that version (the wire REPORT, signatures and strokes included)
    technician: dict  # {"id", "login", "name"}
    device_id: int | None
    device_time: datetime | None
    received_at: datetime
    chief: dict  # {"id", "login", "name"}
    signature: dict  # the chief's {"sha256", "signer_name", "strokes"}
    channel: str  # "web" | "tablet"
    countersign_device_id: int | None
    countersign_device_time: datetime | None
    signed_at: datetime


def utc_text(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with milliseconds; SQLite's naive datetimes were written in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def signatures_of(content: dict) -> list[dict]:
    """Every signature answer of a report content (field id, signer, strokes, image hash), sorted by field."""
    answers = content.get("answers") or {}
    return [{"field": field, **value} for field, value in sorted(answers.items())
            if isinstance(value, dict) and "strokes" in value and "sha256" in value]


def seal_document(facts: SealFacts) -> dict:
    """The canonical document the seal hashes."""
    return {
        "seal_version": SEAL_VERSION,
        "report": {"uuid": facts.report_uuid, "version": facts.version_number, "content": facts.content,
                   "content_sha256": content_sha256(facts.content), "signatures": signatures_of(facts.content)},
        "technician": facts.technician,
        "device": {"id": facts.device_id, "time": utc_text(facts.device_time)},
        "received_at": utc_text(facts.received_at),
        "countersignature": {"chief": facts.chief, "signature": facts.signature, "channel": facts.channel,
                             "device": {"id": facts.countersign_device_id,
                                        "time": utc_text(facts.countersign_device_time)},
                             "signed_at": utc_text(facts.signed_at)},
    }


def content_sha256(content: dict) -> str:
    """SHA-256 of a report content in the wire contract's canonical JSON."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def seal_sha256(facts: SealFacts) -> str:
    """The seal: SHA-256 of the canonical seal document."""
    return hashlib.sha256(canonical_json(seal_document(facts)).encode("utf-8")).hexdigest()


def seal_verifies(facts: SealFacts, stored_sha256: str) -> bool:
    """Whether the facts as stored today still give the hash recorded when sealing."""
    return seal_sha256(facts) == stored_sha256
