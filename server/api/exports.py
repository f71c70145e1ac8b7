"""The read-only export feed for the billing system: an integration client's bearer token (never a tablet's),
one kind per path, paged by an opaque cursor in commit order."""
from flask import jsonify, request, send_file

from sync.fields import SHA256_RE

from ..errors import DomainError, NotFound
from ..services.own_data.export_feed import client_for_token, export_page
from .auth import bearer_token
from .blueprint import api_bp
from .sync import blob_store


@api_bp.get("/exports/<kind>")
def export_feed(kind: str):
    client_for_token(bearer_token(), kind)
    limit_text = request.args.get("limit", "500")
    if not limit_text.isdigit():
        raise DomainError("Le paramètre limit est un entier de 1 à 1000.")
    page = export_page(kind, request.args.get("cursor"), int(limit_text))
    return jsonify({"kind": page.kind, "items": page.items, "cursor": page.cursor, "more": page.more})


@api_bp.get("/exports/evidence/<sha256>")
def export_evidence(sha256: str):
    """The photo proving an exported reading (clients allowed to read readings)."""
    client_for_token(bearer_token(), "readings")
    store = blob_store()
    if not SHA256_RE.match(sha256) or not store.has(sha256):
        raise NotFound("Pièce introuvable.")
    return send_file(store.open(sha256), mimetype="image/jpeg")
