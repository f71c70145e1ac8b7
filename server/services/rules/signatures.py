"""Signatures drawn in the office (a chief's countersignature, a requester's signature on the counter's screen)
and the printed order brought back signed (E2): plain values in, checked values out."""
import json

from ...errors import DomainError

MAX_STROKES, MAX_POINTS = 200, 5000


def strokes_from_text(text: str) -> list:
    """The strokes drawn in the office: [[[x, y], ...], ...], numbers only, bounded (no pressure, no speed)."""
    try:
        strokes = json.loads(text or "[]")
    except ValueError:
        strokes = None
    valid = isinstance(strokes, list) and len(strokes) <= MAX_STROKES and all(
        isinstance(s, list) and all(isinstance(p, list) and len(p) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in p) for p in s) for s in strokes)
    if not valid or sum(len(s) for s in strokes) > MAX_POINTS:
        raise DomainError("Signature illisible : signez à nouveau.", {"strokes": ["Signature invalide."]})
    if not any(len(s) > 1 for s in strokes):
        raise DomainError("La signature est vide : signez dans le cadre.", {"strokes": ["Signature requise."]})
    return [[[round(x, 1), round(y, 1)] for x, y in s] for s in strokes]


def printed_order_matches(typed_ref: str | None, order_ref: str) -> bool:
    """E2: the agent confirms the printed order brought back signed by typing its number, as printed."""
    return "".join((typed_ref or "").split()).upper() == order_ref.upper()
