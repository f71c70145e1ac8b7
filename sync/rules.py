"""The sync decisions, one function each: access, conflict, clock skew, attachment coherence."""
from datetime import datetime

from . import messages as msg
from .fields import SHA256_RE
from .ports import OrderForSync

CLOCK_SKEW_LIMIT_SECONDS = 600  # beyond 10 minutes the device clock is flagged (PITFALLS 16)


def may_report_on(order: OrderForSync, technician_id: int) -> bool:
    """A technician reports only on an order that is, or was, theirs (IDOR guard)."""
    return order.assignee_id == technician_id or technician_id in order.former_assignee_ids


def conflict_reason(order: OrderForSync, technician_id: int) -> str | None:
    """Why a report arrives on an order no longer the technician's to do: stored and flagged, never dropped."""
    if order.cancelled:
        return "cancelled"
    if order.assignee_id != technician_id:
        return "reassigned"
    return None


def clock_skew_flag(device_time: datetime, received_at: datetime,
                    device_clock: datetime | None = None) -> dict | None:
    """A flag when the device clock is off by more than the limit.

    With the clock the device sent with the request (header X-Tournee-Device-Time) the skew is
    measured directly. Without it only a report dated in the future of its receipt proves a
    skew: a report captured offline days ago is normal, not a skew.
    """
    if device_clock is not None:
        skew = (device_clock - received_at).total_seconds()
    else:
        skew = max(0.0, (device_time - received_at).total_seconds())
    if abs(skew) > CLOCK_SKEW_LIMIT_SECONDS:
        return {"flag": "clock_skew", "seconds": int(skew)}
    return None


def stale_version_flag(order: OrderForSync, order_version: int) -> dict | None:
    """A flag when the order changed after the tablet captured against it (not a conflict)."""
    if order_version != order.version:
        return {"flag": "order_version", "captured": order_version, "current": order.version}
    return None


def attachment_errors(answers: dict, attachments: list[dict]) -> dict[str, list[str]]:
    """Answers and attachments must name the same blobs: photos as lists of hashes,
    signatures as {"sha256": ...}; each hash listed once in attachments with the right kind."""
    named = _named_blobs(answers)
    listed = {(a["field"], a["sha256"]): a["kind"] for a in attachments}
    errors: dict[str, list[str]] = {}
    for (field_id, sha), kind in named.items():
        if (field_id, sha) not in listed:
            errors.setdefault(field_id, []).append(msg.ATTACHMENT_NOT_LISTED.format(sha256=sha))
        elif listed[(field_id, sha)] != kind:
            errors.setdefault(field_id, []).append(msg.ATTACHMENT_WRONG_KIND.format(sha256=sha, kind=kind))
    for (field_id, sha) in listed:
        if (field_id, sha) not in named and field_id != "countersignature":
            errors.setdefault("attachments", []).append(msg.ATTACHMENT_NOT_USED.format(sha256=sha))
    return errors


def blob_hashes(attachments: list[dict], countersignature: dict | None = None) -> tuple[str, ...]:
    """Every blob a report names, once each: its attachments, then the chief's drawing when the
    countersignature was made on the tablet (PROTOCOL §8; listing it in attachments is optional)."""
    hashes = [a["sha256"] for a in attachments]
    drawn = countersignature_blob(countersignature)
    return tuple(dict.fromkeys(hashes + ([drawn] if drawn else [])))


def countersignature_blob(countersignature: dict | None) -> str | None:
    signature = countersignature.get("signature") if isinstance(countersignature, dict) else None
    sha = signature.get("sha256") if isinstance(signature, dict) else None
    return sha if _is_sha(sha) else None


def _named_blobs(answers: dict) -> dict[tuple[str, str], str]:
    named = {}
    for field_id, value in answers.items():
        if isinstance(value, list) and value and all(_is_sha(v) for v in value):
            named.update({(field_id, v): "photo" for v in value})
        elif isinstance(value, dict) and _is_sha(value.get("sha256")):
            named[(field_id, value["sha256"])] = "signature"
    return named


def _is_sha(value) -> bool:
    return isinstance(value, str) and bool(SHA256_RE.match(value))
