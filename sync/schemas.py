"""The wire schemas of /api/v1 (marshmallow): strict on the way in, exact on the way out.

Incoming messages refuse unknown fields (marshmallow's RAISE), wrong types (no coercion)
and oversized values; every string and list is bounded. Outgoing messages are dumped
through their schema so that nothing beyond the contract (W24) leaves the server.
"""
from marshmallow import RAISE, Schema, ValidationError, fields

from . import messages as msg
from .errors import InvalidRequest
from .fields import (AnyJson, Bool, Int, IsoDateTime, Num, Sha256, Str, Uuid, between, count,
                     one_of)

ORDER_TYPES = ("READING", "CUTOFF", "REMOVAL", "CLOSURE", "INVESTIGATION")
OUTCOMES = ("done", "absent", "no_access", "refused", "anomaly")
ATTACHMENT_KINDS = ("photo", "signature")
BLOB_TYPES = ("image/jpeg", "image/png", "image/webp")
STATUSES = ("applied", "duplicate", "awaiting_blobs", "conflict", "rejected", "mismatch")
TOMBSTONE_REASONS = ("cancelled", "reassigned")

MAX_REPORTS_PER_PUSH = 50
MAX_REPORT_BYTES = 256 * 1024  # canonical JSON of one report, signature strokes included
MAX_ANSWERS = 200
MAX_ATTACHMENTS = 40
MAX_BLOB_BYTES = 50 * 1024 * 1024  # what a report may announce; the blob store has its own limit
PULL_LIMIT_DEFAULT = 100
PULL_LIMIT_MAX = 500
MAX_ID = 2**31 - 1  # ids and order versions are 32-bit integers in the database


class Strict(Schema):
    """Base of incoming messages: unknown fields are an error, in French."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": msg.UNKNOWN_FIELD, "type": msg.NOT_AN_OBJECT}


# ---- incoming -------------------------------------------------------------------------------

class DeviceEnrolmentSchema(Strict):
    login = Str(required=True, min_length=1, max_length=64)
    password = Str(required=True, min_length=1, max_length=200)
    device_name = Str(required=True, min_length=1, max_length=120)
    # The tablet's own id for its enrolment (a UUID it made and keeps): sent again, the same device answers.
    enrolment_id = Uuid()


class PositionSchema(Strict):
    lat = Num(required=True, lo=-90, hi=90)
    lon = Num(required=True, lo=-180, hi=180)
    accuracy = Num(lo=0, hi=1_000_000, allow_none=True)


class AttachmentSchema(Strict):
    sha256 = Sha256(required=True)
    field = Str(required=True, min_length=1, max_length=64)
    kind = Str(required=True, max_length=16, validate=[one_of(ATTACHMENT_KINDS)])
    content_type = Str(required=True, max_length=32, validate=[one_of(BLOB_TYPES)])
    size = Int(required=True, lo=1, hi=MAX_BLOB_BYTES)
    captured_at = IsoDateTime(allow_none=True)
    lat = Num(lo=-90, hi=90, allow_none=True)
    lon = Num(lo=-180, hi=180, allow_none=True)


class ReportSchema(Strict):
    """REPORT of the contract; answers are checked against the form by forms/, not here."""

    uuid = Uuid(required=True)
    order_id = Int(required=True, lo=1, hi=MAX_ID)
    order_version = Int(required=True, lo=0, hi=MAX_ID)
    form_type = Str(required=True, max_length=16, validate=[one_of(ORDER_TYPES)])
    form_version = Int(required=True, lo=1, hi=100_000)
    device_seq = Int(required=True, lo=0)
    device_time = IsoDateTime(required=True)
    outcome = Str(required=True, max_length=16, validate=[one_of(OUTCOMES)])
    reason_code = Str(max_length=64, allow_none=True)
    answers = fields.Dict(required=True, keys=Str(min_length=1, max_length=64), values=AnyJson(),
                          validate=count(0, MAX_ANSWERS),
                          error_messages={"invalid": msg.NOT_AN_OBJECT, "required": msg.REQUIRED})
    attachments = fields.List(fields.Nested(AttachmentSchema), validate=count(0, MAX_ATTACHMENTS),
                              error_messages={"invalid": msg.NOT_A_LIST})
    position = fields.Nested(PositionSchema, allow_none=True)
    started_at = IsoDateTime(allow_none=True)
    finished_at = IsoDateTime(allow_none=True)
    countersignature = fields.Dict(keys=Str(max_length=64), values=AnyJson(), allow_none=True,
                                   validate=count(0, 50), error_messages={"invalid": msg.NOT_AN_OBJECT})


class PushRequestSchema(Strict):
    """The envelope only: each report is then loaded on its own, so one bad report is
    answered `rejected` without blocking the others queued behind it."""

    reports = fields.List(fields.Dict(error_messages={"invalid": msg.NOT_AN_OBJECT}), required=True,
                          validate=count(1, MAX_REPORTS_PER_PUSH),
                          error_messages={"invalid": msg.NOT_A_LIST, "required": msg.REQUIRED})
    # PROTOCOL §8: the chief's proof of a countersignature made on the tablet, beside the content.
    countersignature_proofs = fields.Dict(keys=Uuid(), values=Sha256(), validate=count(0, MAX_REPORTS_PER_PUSH),
                                          load_default=dict, error_messages={"invalid": msg.NOT_AN_OBJECT})


class PullQuerySchema(Strict):
    """Query string of a pull (values arrive as text, so integers are parsed here)."""

    cursor = Str(max_length=1024, load_default="")
    limit = fields.Integer(load_default=PULL_LIMIT_DEFAULT,
                           validate=between(1, PULL_LIMIT_MAX),
                           error_messages={"invalid": msg.NOT_AN_INTEGER})


# ---- outgoing -------------------------------------------------------------------------------

class TechnicianSchema(Schema):
    id = fields.Integer()
    login = fields.String()
    name = fields.String()


class DeviceEnrolledSchema(Schema):
    device_id = fields.Integer()
    token = fields.String()
    technician = fields.Nested(TechnicianSchema)


class FormRefSchema(Schema):
    type = fields.String()
    version = fields.Integer()


class PremisesSchema(Schema):
    address = fields.String()
    commune = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    kind = fields.String()
    individual_house = fields.Boolean()
    access_notes = fields.String(allow_none=True)


class MeterSchema(Schema):
    serial = fields.String()
    dials = fields.Integer()
    reading_mode = fields.String()
    previous_index = fields.Integer(allow_none=True)
    previous_date = fields.String(allow_none=True)
    plausible_min = fields.Integer(allow_none=True)
    plausible_max = fields.Integer(allow_none=True)


class ContactSchema(Schema):
    role = fields.String()
    name = fields.String()
    phone = fields.String(allow_none=True)


class RequesterSchema(Schema):
    name = fields.String()


class OrderSchema(Schema):
    """ORDER of the contract: what the field needs offline and nothing more (W24)."""

    id = fields.Integer()
    ref = fields.String()
    version = fields.Integer()
    type = fields.String()
    state = fields.String()
    code = fields.String(allow_none=True)
    planned_date = fields.String(allow_none=True)
    window_start = fields.String(allow_none=True)
    window_end = fields.String(allow_none=True)
    round_position = fields.Integer()
    travel_fee = fields.Boolean()
    utility = fields.String()
    form = fields.Nested(FormRefSchema)
    premises = fields.Nested(PremisesSchema)
    meter = fields.Nested(MeterSchema, allow_none=True)
    contacts = fields.List(fields.Nested(ContactSchema))
    requester = fields.Nested(RequesterSchema, allow_none=True)
    instructions = fields.String(allow_none=True)


class TombstoneSchema(Schema):
    order_id = fields.Integer()
    reason = fields.String()


class CountsSchema(Schema):
    orders = fields.Integer()
    meters = fields.Integer()
    forms = fields.Dict(keys=fields.String(), values=fields.Integer())


class CountersignerSchema(Schema):
    login = fields.String()
    name = fields.String()
    salt = fields.String()
    iterations = fields.Integer()


class PullResponseSchema(Schema):
    orders = fields.List(fields.Nested(OrderSchema))
    tombstones = fields.List(fields.Nested(TombstoneSchema))
    forms = fields.List(fields.Dict())
    cursor = fields.String()
    has_more = fields.Boolean()
    counts = fields.Nested(CountsSchema)
    countersigners = fields.List(fields.Nested(CountersignerSchema))
    # W24: days after an acknowledgement before the tablet deletes the order's personal data
    tablet_retention_days = fields.Integer()


class PushResultSchema(Schema):
    uuid = fields.String(allow_none=True)
    status = fields.String()
    report_id = fields.Integer()
    missing_blobs = fields.List(fields.String())
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    received_at = fields.String()
    http_status = fields.Integer()
    conflict = fields.String()  # with status conflict: "cancelled" | "reassigned"
    countersignature = fields.Dict(keys=fields.String(), values=fields.String())


class PushResponseSchema(Schema):
    results = fields.List(fields.Nested(PushResultSchema))


class BlobReceiptSchema(Schema):
    sha256 = fields.String()
    size = fields.Integer()


class ErrorSchema(Schema):
    error = fields.String()
    message = fields.String()
    field_errors = fields.Dict(keys=fields.String(), values=fields.Raw(), data_key="fields")


# ---- loading the envelopes --------------------------------------------------------------------

def load_push_request(body: object) -> tuple[list[dict], dict[str, str]]:
    """The reports of a push body and the countersignature proofs beside them, or InvalidRequest
    (422) naming what is wrong."""
    try:
        loaded = PushRequestSchema().load(body)
        return loaded["reports"], loaded["countersignature_proofs"]
    except ValidationError as error:
        raise InvalidRequest(fields=flatten_errors(error.messages)) from None


def load_pull_query(args) -> dict:
    """{"cursor", "limit"} of a pull's query string, or InvalidRequest (422)."""
    try:
        return PullQuerySchema().load(dict(args))
    except ValidationError as error:
        raise InvalidRequest(fields=flatten_errors(error.messages)) from None


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested errors as flat dotted keys: {"attachments.0.sha256": [...]}."""
    if not isinstance(messages, dict):
        items = messages if isinstance(messages, list) else [messages]
        return {prefix or "_schema": [str(m) for m in items]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        flat.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat
