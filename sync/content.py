"""Canonical JSON of a report and its SHA-256: what "same content" means on the wire."""
import hashlib
import json


def canonical_json(value) -> str:
    """The contract's canonical form: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_bytes(report: dict) -> bytes:
    """The canonical form in UTF-8: its length bounds a report, its SHA-256 is the content hash."""
    return canonical_json(report).encode("utf-8")


def content_hash(report: dict) -> str:
    """SHA-256 (lowercase hex) of the canonical JSON of the whole report as sent."""
    return hash_of_canonical(canonical_bytes(report))


def hash_of_canonical(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def canonical_size(report: dict) -> int:
    """Bytes of the canonical UTF-8 form (the size a report is bounded by)."""
    return len(canonical_bytes(report))
