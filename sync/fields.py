"""Strict marshmallow fields for the wire: no coercion, French messages, values kept as sent.

Values are returned unchanged (an ISO date stays a string, 45 stays 45) so that the loaded
report is the report as the tablet wrote it and hashes the same (see content.py).
"""
import math
import re
from datetime import datetime

from marshmallow import fields, validate

from . import messages as msg

_BASE = {"required": msg.REQUIRED, "null": msg.NULL, "validator_failed": msg.INVALID_REQUEST}
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class Str(fields.String):
    """A string of bounded length (every wire string is bounded)."""

    default_error_messages = {**_BASE, "invalid": msg.NOT_A_STRING}

    def __init__(self, *, max_length: int = 200, min_length: int = 0, **kwargs):
        validators = list(kwargs.pop("validate", None) or [])
        validators.append(length(min_length, max_length))
        super().__init__(validate=validators, **kwargs)


class Int(fields.Integer):
    """An integer written as a JSON integer: no "12", no 12.5, no true."""

    default_error_messages = {**_BASE, "invalid": msg.NOT_AN_INTEGER, "too_large": msg.NOT_AN_INTEGER}

    def __init__(self, *, lo: int = 0, hi: int = 2**53, **kwargs):
        validators = list(kwargs.pop("validate", None) or [])
        validators.append(between(lo, hi))
        super().__init__(strict=True, validate=validators, **kwargs)


class Num(fields.Field):
    """A finite JSON number (int or float), returned as sent."""

    default_error_messages = {**_BASE, "invalid": msg.NOT_A_NUMBER}

    def __init__(self, *, lo: float, hi: float, **kwargs):
        super().__init__(validate=between(lo, hi), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.make_error("invalid")
        return value


class Bool(fields.Field):
    """A JSON boolean only."""

    default_error_messages = {**_BASE, "invalid": msg.NOT_A_BOOLEAN}

    def _deserialize(self, value, attr, data, **kwargs):
        if value is not True and value is not False:
            raise self.make_error("invalid")
        return value


class IsoDateTime(fields.Field):
    """An ISO 8601 date-time with an offset, kept as the string sent."""

    default_error_messages = {**_BASE, "invalid": msg.NOT_A_DATETIME}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 40 or parse_datetime(value) is None:
            raise self.make_error("invalid")
        return value


class Sha256(fields.String):
    """A lowercase hex SHA-256."""

    default_error_messages = {**_BASE, "invalid": msg.NOT_A_SHA256}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not SHA256_RE.match(value):
            raise self.make_error("invalid")
        return value


class Uuid(fields.String):
    """A UUID in its 36-character text form, kept as sent."""

    default_error_messages = {**_BASE, "invalid": msg.NOT_A_UUID}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not UUID_RE.match(value):
            raise self.make_error("invalid")
        return value


class AnyJson(fields.Raw):
    """Any JSON value (answers are checked by forms/, not here)."""

    default_error_messages = dict(_BASE)


def parse_datetime(value: str) -> datetime | None:
    """The aware datetime of an ISO 8601 string, or None when unreadable or without an offset."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else None


def length(lo: int, hi: int) -> validate.Validator:
    """Bounds on a string length."""
    def check(value):
        if len(value) > hi:
            raise validate.ValidationError(msg.TOO_LONG.format(max=hi))
        if len(value) < lo:
            raise validate.ValidationError(msg.NULL)
    check.bounds = (lo, hi)  # read by the OpenAPI document
    return check


def count(lo: int, hi: int) -> validate.Validator:
    """Bounds on a list or dict size with the right French sentence for each side."""
    def check(value):
        if len(value) > hi:
            raise validate.ValidationError(msg.TOO_MANY.format(max=hi))
        if len(value) < lo:
            raise validate.ValidationError(msg.TOO_FEW.format(min=lo))
    check.bounds = (lo, hi)  # read by the OpenAPI document
    return check


def between(lo, hi) -> validate.Range:
    return validate.Range(min=lo, max=hi, error=msg.OUT_OF_RANGE.format(min=lo, max=hi))


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error=msg.NOT_ONE_OF.format(choices=", ".join(choices)))
