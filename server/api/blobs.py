"""Upload and presence of photos and signatures, by SHA-256."""
from flask import current_app, jsonify, request

from sync.errors import SyncError
from sync.fields import SHA256_RE

from ..blobs import too_large
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
    limit = current_app.config["BLOB_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)  # from the declared length, before reading a byte of the body
    request.max_content_length = limit  # a body without a declared length is cut at the limit
    keep = request.headers.get("X-Tournee-Keep-Location") == "1"
    created, size = blob_store().save(checked_name(sha256), request.stream, keep_location=keep)
    return jsonify({"sha256": sha256, "size": size}), 201 if created else 200


@api_bp.route("/blobs/<sha256>", methods=["HEAD"])
@device_required
def head_blob(sha256: str):
    return ("", 200) if blob_store().has(checked_name(sha256)) else ("", 404)
