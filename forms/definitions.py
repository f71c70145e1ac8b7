"""Loading the field-form definitions (one JSON file per order type and version) and checking their shape."""
import json
from functools import lru_cache
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
FIELD_TYPES = ("serial", "index", "boolean", "text", "choice", "photo", "signature", "checklist", "person")
OUTCOME_CODES = ("done", "absent", "no_access", "refused", "anomaly")


class DefinitionError(ValueError):
    """A definition file is malformed; the message names the file."""


class _Labelled(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1))


class _Reason(_Labelled):
    code = fields.String(required=True)


class _Option(_Labelled):
    value = fields.String(required=True)


class _Step(_Labelled):
    id = fields.String(required=True)


class _Outcome(_Labelled):
    code = fields.String(required=True, validate=validate.OneOf(OUTCOME_CODES))
    requires = fields.List(fields.String(), load_default=list)
    reasons = fields.List(fields.Nested(_Reason), load_default=None)


class _Field(_Labelled):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    min = fields.Integer(load_default=None)
    max = fields.Integer(load_default=None)
    max_length = fields.Integer(load_default=None)
    multiline = fields.Boolean(load_default=False)
    scan = fields.Boolean(load_default=False)
    signer = fields.String(load_default=None)
    options = fields.List(fields.Nested(_Option), load_default=None)
    steps = fields.List(fields.Nested(_Step), load_default=None)
    ordered = fields.Boolean(load_default=False)
    rollover_field = fields.String(load_default=None)
    confirm_field = fields.String(load_default=None)
    photo_field = fields.String(load_default=None)
    must_be_true_for = fields.List(fields.String(), load_default=list)
    required_when = fields.Dict(load_default=None)
    allowed_when = fields.Dict(load_default=None)


class DefinitionSchema(Schema):
    type = fields.String(required=True, validate=validate.Regexp(r"^[A-Z_]+$"))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    title = fields.String(required=True)
    utility = fields.List(fields.String(validate=validate.OneOf(("water", "electricity"))), required=True)
    outcomes = fields.List(fields.Nested(_Outcome), required=True, validate=validate.Length(min=1))
    fields_ = fields.List(fields.Nested(_Field), required=True, data_key="fields")

    @validates_schema
    def _references_exist(self, data, **_):
        ids = {f["id"] for f in data["fields_"]}
        for outcome in data["outcomes"]:
            unknown = set(outcome["requires"]) - ids
            if unknown:
                raise ValidationError(f"outcome {outcome['code']} requires unknown fields {sorted(unknown)}")
        for f in data["fields_"]:
            refs = [f.get(k) for k in ("rollover_field", "confirm_field", "photo_field") if f.get(k)]
            refs += list((f.get("required_when") or {}).keys()) + list((f.get("allowed_when") or {}).keys())
            if set(refs) - ids:
                raise ValidationError(f"field {f['id']} refers to unknown fields {sorted(set(refs) - ids)}")
            if f["type"] == "choice" and not f.get("options"):
                raise ValidationError(f"choice field {f['id']} has no options")
            if f["type"] == "checklist" and not f.get("steps"):
                raise ValidationError(f"checklist field {f['id']} has no steps")


def parse_definition(path: Path) -> dict:
    """The definition in `path`, checked; a DefinitionError names the file and the problem."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        DefinitionSchema().load(raw)
    except (json.JSONDecodeError, ValidationError, OSError) as err:
        raise DefinitionError(f"{path.name}: {err}") from err
    return raw


@lru_cache(maxsize=None)
def _load_all(directory: str) -> dict:
    loaded = {}
    for path in sorted(Path(directory).glob("*.json")):
        definition = parse_definition(path)
        loaded[(definition["type"], definition["version"])] = definition
    return loaded


def load_definitions(directory: Path = DEFINITIONS_DIR) -> dict:
    """Every definition, keyed by (type, version). Callers must not mutate them."""
    return _load_all(str(directory))


def get_definition(order_type: str, version: int | None = None, directory: Path = DEFINITIONS_DIR) -> dict:
    """The definition of this type at `version`, or its latest version when None; KeyError when unknown."""
    definitions = load_definitions(directory)
    if version is not None:
        return definitions[(order_type, version)]
    versions = [v for (t, v) in definitions if t == order_type]
    if not versions:
        raise KeyError(order_type)
    return definitions[(order_type, max(versions))]


def current_versions(directory: Path = DEFINITIONS_DIR) -> dict[str, int]:
    """Order type -> latest definition version (what the tablet must hold)."""
    latest: dict[str, int] = {}
    for order_type, version in load_definitions(directory):
        latest[order_type] = max(version, latest.get(order_type, 0))
    return latest
