"""One JSON line per request on stderr (python-json-logger): request id, method, route pattern, status,
duration, the device or the signed-in user. Only these named fields are written: never a query string,
a body, a header, a token, a password, an IBAN or a customer's name."""
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, request
from sqlalchemy import inspect
from pythonjsonlogger.json import JsonFormatter

LOGGER = "tournee.access"
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def formatter() -> logging.Formatter:
    return JsonFormatter("%(levelname)s %(message)s", rename_fields={"levelname": "level"}, timestamp="time")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def register(app: Flask) -> None:
    logger = logging.getLogger(LOGGER)
    if app.config.get("ACCESS_LOG") and not logger.handlers:
        handler = StderrHandler()
        handler.setFormatter(formatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.before_request(_begin)
    app.after_request(_log)


def _begin() -> None:
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.access_started = time.perf_counter()


def _log(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-Id"] = request_id
    started = g.get("access_started")
    record = {"request_id": request_id, "method": request.method,
              "route": request.url_rule.rule if request.url_rule else "unmatched",  # never the path typed
              "status": response.status_code,
              "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
              "remote_addr": request.remote_addr}
    record["device_id"] = _identity(g.get("device"))
    user = g.get("api_user") or g.get("_login_user")
    record["user_id"] = _identity(user)
    if record["user_id"] is not None:
        record["role"] = inspect(user).dict.get("role")
    record = {key: value for key, value in record.items() if value is not None}
    logging.getLogger(LOGGER).info("request", extra=record)
    return response


def _identity(row) -> int | None:
    """The primary key of a loaded row without touching the database (its attributes may be expired
    after a commit, and the database may be gone); None for no row or an anonymous user."""
    state = inspect(row, raiseerr=False) if row is not None else None
    return state.identity[0] if state is not None and state.identity else None
