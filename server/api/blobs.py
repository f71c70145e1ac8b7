"""Upload and presence of photos and signatures, by SHA-256."""
from datetime import datetime, timezone

from flask import current_app, g, jsonify, request

from sync.errors import SyncError
from sync.fields import SHA256_RE

from ..blob_stores import partial_uploads_for
from ..blobs import too_large
from ..partial_uploads import OffsetMismatch
from ..services.field import uploads
from .blueprint import api_bp
from .auth import device_required
from .sync import blob_store


def checked_name(sha256: str) -> str:
    if not SHA256_RE.match(sha256):
        raise SyncError("Le nom d'un fichier est son empreinte SHA-256 en hexadécimal minuscule.")
    return sha256


def bound_body(limit: int) -> None:
    """A body without a declared length is cut one byte past the limit (the store refuses it whole).
    Not at the limit itself: under gunicorn Werkzeug then refuses the read that finds the end of a body
    of exactly the limit, which PROTOCOL.md accepts."""
    request.max_content_length = limit + 1


@api_bp.put("/blobs/<sha256>")
@device_required
def put_blob(sha256: str):
    limit = current_app.config["BLOB_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)  # from the declared length, before reading a byte of the body
    bound_body(limit)
    keep = request.headers.get("X-Tournee-Keep-Location") == "1"
    created, size = uploads.store_blob(blob_store(), checked_name(sha256), request.stream, keep_location=keep,
                                       user=g.api_user, device=g.device, now=datetime.now(timezone.utc))
    return jsonify({"sha256": sha256, "size": size}), 201 if created else 200


@api_bp.route("/blobs/<sha256>", methods=["HEAD"])
@device_required
def head_blob(sha256: str):
    return ("", 200) if uploads.blob_present_for(blob_store(), checked_name(sha256), g.api_user) else ("", 404)


def _header_number(name: str) -> int:
    text = request.headers.get(name, "")
    if not text.isdigit():
        raise SyncError(f"En-tête {name} manquant ou invalide (un nombre d'octets).")
    return int(text)


def _progress(sha256: str, held: int, complete: bool, status: int = 200):
    response = jsonify({"sha256": sha256, "offset": held, "complete": complete})
    response.headers["Upload-Offset"] = str(held)
    return response, status


@api_bp.get("/blobs/<sha256>/upload")
@device_required
def upload_progress(sha256: str):
    """How much of a blob the server holds: all of it (complete), or the bytes of a resumable upload."""
    store = blob_store()
    if uploads.blob_present_for(store, checked_name(sha256), g.api_user):  # never tells what others sent
        return _progress(sha256, store.size(sha256), True)
    return _progress(sha256, partial_uploads_for(current_app).offset(sha256), False)


@api_bp.patch("/blobs/<sha256>/upload")
@device_required
def upload_part(sha256: str):
    """Resumable upload: the bytes from `Upload-Offset` on, of a blob of `Upload-Length` bytes. The last
    part stores the whole, checked like a one-piece PUT (201, or 422 when its SHA-256 is not the name)."""
    store, partials = blob_store(), partial_uploads_for(current_app)
    checked_name(sha256)
    total, offset = _header_number("Upload-Length"), _header_number("Upload-Offset")
    limit = current_app.config["BLOB_MAX_BYTES"]
    if total > limit or (request.content_length or 0) > limit:
        raise too_large(limit)  # from the declared lengths, before reading the body
    if uploads.blob_present_for(store, sha256, g.api_user):
        return _progress(sha256, store.size(sha256), True)
    bound_body(limit)
    try:
        held = partials.append(sha256, offset, total, request.stream)
    except OffsetMismatch as err:
        response, _ = _progress(sha256, err.held, False)
        response.status_code = 409
        response.set_data(jsonify({"error": err.code, "message": err.message, "offset": err.held,
                                   "sha256": sha256, "complete": False}).get_data())
        return response
    if held < total:
        return _progress(sha256, held, False)
    keep = request.headers.get("X-Tournee-Keep-Location") == "1"
    created, size = partials.finish(sha256, store, keep)
    uploads.record_upload(sha256, user=g.api_user, device=g.device, now=datetime.now(timezone.utc))
    return _progress(sha256, size, True, 201 if created else 200)
