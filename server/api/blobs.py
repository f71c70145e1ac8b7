"""Upload and presence of photos and signatures, by SHA-256."""
from datetime import datetime, timezone

from flask import current_app, g, jsonify, request

from sync.errors import SyncError
from sync.fields import SHA256_RE

from ..services.field import uploads
from .blueprint import api_bp
from .auth import device_required
from .sync import blob_store


def checked_name(sha256: str) -> str:
    if not SHA256_RE.match(sha256):
        raise SyncError("Le nom d'un fichier est son empreinte SHA-256 en hexadécimal minuscule.")
    return sha256


@api_bp.put("/blobs/<sha256>")
@device_required
def put_blob(sha256: str):
    request.max_content_length = current_app.config["BLOB_MAX_BYTES"]
    keep = request.headers.get("X-Tournee-Keep-Location") == "1"
    created, size = uploads.store_blob(blob_store(), checked_name(sha256), request.stream, keep_location=keep,
                                       user=g.api_user, device=g.device, now=datetime.now(timezone.utc))
    return jsonify({"sha256": sha256, "size": size}), 201 if created else 200


@api_bp.route("/blobs/<sha256>", methods=["HEAD"])
@device_required
def head_blob(sha256: str):
    return ("", 200) if uploads.blob_present_for(blob_store(), checked_name(sha256), g.api_user) else ("", 404)
