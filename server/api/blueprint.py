"""The tablet API blueprint (/api/v1) and its JSON errors: bearer tokens, never cookies, JSON errors only."""
from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from sync.errors import SyncError
from sync.protocol import ANSWER_HEADERS, REQUEST_HEADER, check_protocol

from ..blobs import BlobRefused
from ..errors import HTTP_MESSAGES

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


@api_bp.record_once
def _exempt_from_csrf(state):
    """Bearer tokens, not cookies: no ambient authority to forge (PITFALLS 18)."""
    state.app.extensions["csrf"].exempt(api_bp)

@api_bp.before_request
def _speaks_our_protocol():
    """426 for a tablet too old or too new for this server (sync/protocol.py), before anything else."""
    check_protocol(request.headers.get(REQUEST_HEADER))


@api_bp.after_request
def _say_our_protocol(response):
    response.headers.update(ANSWER_HEADERS)
    return response


HTTP_CODES = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
              422: "invalid_request", 429: "too_many_attempts"}


def error_body(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


def json_body() -> object:
    """The request's JSON, None when it is not JSON; refusing nesting too deep to parse (no 500)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise SyncError("Le JSON envoyé est trop profondément imbriqué.") from None


@api_bp.errorhandler(SyncError)
def _sync_error(err: SyncError):
    return error_body(err.http_status, err.code, err.message, err.fields)


@api_bp.errorhandler(BlobRefused)
def _blob_refused(err: BlobRefused):
    return error_body(err.http_status, err.code, err.message)


@api_bp.errorhandler(HTTPException)
def _http_error(err: HTTPException):
    status = err.code or 400
    body, status = error_body(status, HTTP_CODES.get(status, "error"), HTTP_MESSAGES.get(status, "Erreur."))
    body.headers.extend((k, v) for k, v in err.get_headers() if k == "Allow")  # 405 says what is allowed
    return body, status
