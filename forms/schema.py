"""The shape of a definition file: a marshmallow schema, then the cross-checks a schema cannot express
(references between fields, keys allowed per field type). Problems are plain English sentences for the
developer who edits a definition; the loader prefixes them with the file name."""
from marshmallow import Schema, ValidationError, fields, validate

FIELD_TYPES = ("serial", "index", "boolean", "text", "choice", "photo", "signature", "checklist", "person")
OUTCOME_CODES = ("done", "absent", "no_access", "refused", "anomaly")
UTILITIES = ("water", "electricity")
SIGNERS = ("technician", "customer", "requester")
RESERVED_IDS = ("outcome", "reason_code", "answers")  # keys of the error dict that are not fields
MAX_TEXT_LENGTH = 10_000
IDENT = r"^[a-z][a-z0-9_]*$"

COMMON_KEYS = {"id", "type", "label", "help", "required_when", "allowed_when"}
TYPE_KEYS = {  # type -> (keys it must have, keys it may have)
    "serial": (set(), {"scan"}),
    "index": ({"rollover_field", "confirm_field", "photo_field"}, set()),
    "boolean": (set(), {"must_be_true_for"}),
    "text": ({"max_length"}, {"multiline"}),
    "choice": ({"options"}, set()),
    "photo": (set(), {"min", "max"}),
    "signature": ({"signer"}, set()),
    "checklist": ({"steps"}, {"ordered"}),
    "person": (set(), set()),
}
INDEX_REFERENCES = {"rollover_field": "boolean", "confirm_field": "boolean", "photo_field": "photo"}


class _Labelled(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))


class _Reason(_Labelled):
    code = fields.String(required=True, validate=validate.Regexp(IDENT))


class _Option(_Labelled):
    value = fields.String(required=True, validate=validate.Regexp(IDENT))


class _Step(_Labelled):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_]*$"))


class _Outcome(_Labelled):
    code = fields.String(required=True, validate=validate.OneOf(OUTCOME_CODES))
    requires = fields.List(fields.String(), required=True)
    reasons = fields.List(fields.Nested(_Reason), validate=validate.Length(min=1))


def _condition() -> fields.Dict:
    """{other field id: value}; every pair must hold (see reference_problems for what a value may be)."""
    return fields.Dict(keys=fields.String(validate=validate.Regexp(IDENT)), values=fields.Raw(),
                       validate=validate.Length(min=1))


class _Field(_Labelled):
    id = fields.String(required=True, validate=[validate.Regexp(IDENT), validate.NoneOf(RESERVED_IDS)])
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    help = fields.String()
    required_when = _condition()
    allowed_when = _condition()
    scan = fields.Boolean()
    rollover_field = fields.String()
    confirm_field = fields.String()
    photo_field = fields.String()
    must_be_true_for = fields.List(fields.String(validate=validate.OneOf(OUTCOME_CODES)), validate=validate.Length(min=1))
    max_length = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_TEXT_LENGTH))
    multiline = fields.Boolean()
    options = fields.List(fields.Nested(_Option), validate=validate.Length(min=1))
    min = fields.Integer(strict=True, validate=validate.Range(min=0, max=20))
    max = fields.Integer(strict=True, validate=validate.Range(min=1, max=20))
    signer = fields.String(validate=validate.OneOf(SIGNERS))
    steps = fields.List(fields.Nested(_Step), validate=validate.Length(min=1))
    ordered = fields.Boolean()


class DefinitionSchema(Schema):
    """A whole definition file (unknown keys are refused at every level: a typo must not pass)."""
    type = fields.String(required=True, validate=validate.Regexp(r"^[A-Z][A-Z_]*$"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    utility = fields.List(fields.String(validate=validate.OneOf(UTILITIES)), required=True,
                          validate=validate.Length(min=1))
    outcomes = fields.List(fields.Nested(_Outcome), required=True, validate=validate.Length(min=1))
    fields_ = fields.List(fields.Nested(_Field), required=True, data_key="fields", validate=validate.Length(min=1))


def schema_problems(raw) -> list[str]:
    """The schema's complaints as "path: message" lines; [] when the shape is right."""
    try:
        DefinitionSchema().load(raw)
    except ValidationError as err:
        return sorted(_flatten(err.messages))
    return []


def _flatten(messages, path: str = "") -> list[str]:
    if isinstance(messages, dict):
        lines = []
        for key, value in messages.items():
            step = f"[{key}]" if isinstance(key, int) else (f".{key}" if path else str(key))
            lines += _flatten(value, path + step)
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{path or 'definition'}: {' '.join(messages)}"]
    return [f"{path}: {messages}"]


def reference_problems(definition: dict) -> list[str]:
    """What the schema cannot see: duplicates, references between fields, keys allowed per type."""
    problems = [p for f in definition["fields"] for p in _key_problems(f)]
    if problems:  # the checks below rely on each type's keys being there
        return problems
    problems = _duplicates("outcome code", [o["code"] for o in definition["outcomes"]])
    problems += _duplicates("field id", [f["id"] for f in definition["fields"]])
    by_id = {f["id"]: f for f in definition["fields"]}
    outcomes = {o["code"]: o for o in definition["outcomes"]}
    for outcome in definition["outcomes"]:
        where = f"outcome {outcome['code']}"
        problems += _duplicates(f"{where}: required field", outcome["requires"])
        problems += [f"{where} requires unknown field {fid!r}" for fid in outcome["requires"] if fid not in by_id]
        problems += _duplicates(f"{where}: reason code", [r["code"] for r in outcome.get("reasons", [])])
    for field in definition["fields"]:
        problems += _field_problems(field, by_id, outcomes)
    if "meter_serial" in by_id:
        problems += _serial_remedy_problems(by_id["meter_serial"], outcomes)
    return problems


def _key_problems(field: dict) -> list[str]:
    """Each type has the keys it needs and no key of another type (a typo must not pass)."""
    where = f"field {field['id']!r} ({field['type']})"
    must, may = TYPE_KEYS[field["type"]]
    problems = [f"{where} needs {key!r}" for key in sorted(must - set(field))]
    return problems + [f"{where} may not have {key!r}" for key in sorted(set(field) - COMMON_KEYS - must - may)]


def _field_problems(field: dict, by_id: dict, outcomes: dict) -> list[str]:
    where = f"field {field['id']!r}"
    problems = []
    for key, expected_type in INDEX_REFERENCES.items():
        target = field.get(key) if field["type"] == "index" else None
        if target is not None and by_id.get(target, {}).get("type") != expected_type:
            problems.append(f"{where}: {key} {target!r} must name a {expected_type} field")
    for code in field.get("must_be_true_for", []):
        if code in outcomes and field["id"] not in outcomes[code]["requires"]:
            problems.append(f"{where} must be true for {code!r}, so outcome {code!r} must require it")
        if code not in outcomes:
            problems.append(f"{where}: must_be_true_for names outcome {code!r}, which the form does not offer")
    for key in ("required_when", "allowed_when"):
        for target, value in (field.get(key) or {}).items():
            problems += _condition_problems(f"{where}: {key}", field["id"], target, value, by_id)
    if field["type"] == "choice":
        problems += _duplicates(f"{where}: option value", [o["value"] for o in field["options"]])
    if field["type"] == "checklist":
        problems += _duplicates(f"{where}: step id", [s["id"] for s in field["steps"]])
    if field["type"] == "photo" and field.get("min", 0) > field.get("max", 10):
        problems.append(f"{where}: min is above max")
    return problems


def _condition_problems(where: str, own_id: str, target: str, value, by_id: dict) -> list[str]:
    """A condition tests a boolean (true/false) or a choice (one of its option values), never itself."""
    other = by_id.get(target)
    if other is None or target == own_id:
        return [f"{where} refers to {'itself' if target == own_id else 'unknown field ' + repr(target)}"]
    if other["type"] == "boolean" and isinstance(value, bool):
        return []
    if other["type"] == "choice" and value in [o["value"] for o in other["options"]]:
        return []
    return [f"{where}: {target!r} = {value!r} can never hold (conditions test a boolean or a choice option)"]


def _serial_remedy_problems(field: dict, outcomes: dict) -> list[str]:
    """A serial that differs from the order's meter must be declarable: anomaly, reason serial_mismatch."""
    if field["type"] != "serial":
        return ["field 'meter_serial' must be of type serial (the order's meter is checked on that id)"]
    reasons = [r["code"] for r in outcomes.get("anomaly", {}).get("reasons", [])]
    if "serial_mismatch" not in reasons:
        return ["a form with 'meter_serial' must offer outcome 'anomaly' with reason 'serial_mismatch'"]
    return []


def _duplicates(what: str, values: list) -> list[str]:
    seen, problems = set(), []
    for value in values:
        if value in seen:
            problems.append(f"duplicate {what} {value!r}")
        seen.add(value)
    return problems
