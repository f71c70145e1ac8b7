"""Pull and push of the sync protocol (sync/PROTOCOL.md)."""
from datetime import datetime, timezone

from flask import current_app, g, jsonify, request

from sync.errors import SyncError

from ..metrics import reports_pushed
from ..blob_stores import store_for
from ..blobs import BlobStore
from ..services.field import sync
from .blueprint import api_bp, json_body
from .auth import device_required

PUSH_MAX_BYTES = 8 * 1024 * 1024  # 50 reports of at most 256 KB, with room


def blob_store() -> BlobStore:
    return store_for(current_app)


@api_bp.get("/sync/pull")
@device_required
def pull():
    page = sync.pull(request.args, device=g.device, user=g.api_user, headers=request.headers,
                     now=datetime.now(timezone.utc), blobs=blob_store())
    return jsonify(page)


@api_bp.post("/sync/push")
@device_required
def push():
    request.max_content_length = PUSH_MAX_BYTES
    body = json_body()
    if body is None:
        raise SyncError("Le corps de la requête doit être du JSON valide (UTF-8).")
    answer = sync.push(body, device=g.device, user=g.api_user, headers=request.headers,
                       now=datetime.now(timezone.utc), blobs=blob_store())
    reports_pushed(answer.get("results") or [])
    return jsonify(answer)


push.max_body_bytes = PUSH_MAX_BYTES  # read by the input guard before the view runs
