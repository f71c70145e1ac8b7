"""The pull cursor: an opaque token the tablet hands back unchanged.

Inside (base64url of a small JSON object, without padding):
  {"v": 1, "t": <technician id>, "seq": <last change sequence sent>, "forms": {type: version}}
The tablet must not read or build it; the server may change its inside with a new "v".
"""
import base64
import binascii
import json
from dataclasses import dataclass, field

from .content import canonical_json
from .errors import InvalidCursor

VERSION = 1
MAX_TOKEN_LENGTH = 1024


@dataclass(frozen=True)
class Cursor:
    technician_id: int
    seq: int = 0
    forms: dict = field(default_factory=dict)  # form type -> version the tablet holds
    fresh: bool = False  # no cursor given: a full snapshot is being walked from scratch


def encode_cursor(cursor: Cursor) -> str:
    payload = {"v": VERSION, "t": cursor.technician_id, "seq": cursor.seq, "forms": cursor.forms}
    raw = canonical_json(payload).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(token: str | None, technician_id: int) -> Cursor:
    """The cursor of `token` for this technician; an empty token starts from scratch.

    Raises InvalidCursor on anything that is not a cursor we issued to this technician.
    """
    if not token:
        return Cursor(technician_id=technician_id, fresh=True)
    payload = _payload(token)
    if not _well_formed(payload) or payload["t"] != technician_id:
        raise InvalidCursor()
    return Cursor(technician_id=technician_id, seq=payload["seq"], forms=dict(payload["forms"]))


def _payload(token: str) -> object:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise InvalidCursor()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error


def _well_formed(payload: object) -> bool:
    if not isinstance(payload, dict) or set(payload) != {"v", "t", "seq", "forms"}:
        return False
    ints = [payload["v"], payload["t"], payload["seq"]]
    if any(isinstance(v, bool) or not isinstance(v, int) for v in ints):
        return False
    forms = payload["forms"]
    return (payload["v"] == VERSION and payload["seq"] >= 0 and isinstance(forms, dict)
            and all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
                    for k, v in forms.items()))
