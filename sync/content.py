"""Canonical JSON of a report and its SHA-256: what "same content" means on the wire."""
import hashlib
import json


def canonical_json(value) -> str:
    """The contract's canonical form: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(report: dict) -> str:
    """SHA-256 (lowercase hex) of the canonical JSON of the whole report as sent."""
    return hashlib.sha256(canonical_json(report).encode("utf-8")).hexdigest()


def canonical_size(report: dict) -> int:
    """Bytes of the canonical UTF-8 form (the size a report is bounded by)."""
    return len(canonical_json(report).encode("utf-8"))
