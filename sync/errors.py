"""Errors of the sync protocol, each with its machine code, French message and HTTP status."""
from . import messages as msg


class SyncError(Exception):
    """A refusal of a whole request: answered {"error", "message", "fields"?} with `http_status`."""

    code = "invalid_request"
    http_status = 400
    message = msg.INVALID_REQUEST

    def __init__(self, message: str | None = None, fields: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}

    def to_dict(self) -> dict:
        body = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class InvalidRequest(SyncError):
    """Malformed, oversized or wrongly typed envelope."""

    code = "invalid_request"
    http_status = 422


class InvalidCursor(SyncError):
    """A cursor that is not one of ours (garbage, other technician, other protocol version)."""

    code = "invalid_cursor"
    http_status = 400
    message = msg.INVALID_CURSOR


class DuplicateReport(Exception):
    """Raised by a store when the UNIQUE constraint on the report UUID refused an insert."""
