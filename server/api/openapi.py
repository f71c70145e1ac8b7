"""The OpenAPI 3.1 document of /api/v1, generated from the marshmallow schemas of sync/schemas.py."""
from functools import lru_cache

from marshmallow import Schema, fields, validate

from sync import fields as wire
from sync import schemas

from ..models.exports import EXPORT_KINDS

SCALARS = [(wire.Sha256, {"type": "string", "pattern": "^[0-9a-f]{64}$"}),
           (wire.Uuid, {"type": "string", "format": "uuid"}),
           (wire.IsoDateTime, {"type": "string", "format": "date-time"}),
           (wire.Num, {"type": "number"}), (wire.Bool, {"type": "boolean"}),
           (fields.Integer, {"type": "integer"}), (fields.Float, {"type": "number"}),
           (fields.Boolean, {"type": "boolean"}), (fields.String, {"type": "string"})]
ERROR = {"$ref": "#/components/schemas/Error"}
SIZE_KEYWORDS = {"string": ("minLength", "maxLength"), "array": ("minItems", "maxItems"),
                 "object": ("minProperties", "maxProperties")}
# The messages of the wire (requests and answers); every schema they nest is described with them.
ROOTS = (schemas.DeviceEnrolmentSchema, schemas.DeviceEnrolledSchema, schemas.ReportSchema, schemas.PushRequestSchema,
         schemas.PushResponseSchema, schemas.PullResponseSchema, schemas.BlobReceiptSchema, schemas.ErrorSchema)


def _upload_progress() -> dict:
    return {"content": {"application/json": {"schema": {"type": "object", "properties": {
        "sha256": {"type": "string"}, "offset": {"type": "integer"}, "complete": {"type": "boolean"}},
        "required": ["sha256", "offset", "complete"]}}}}


def field_schema(field: fields.Field) -> dict:
    """JSON Schema of one marshmallow field (bounds from its validators where declared)."""
    if isinstance(field, fields.Nested):
        out = {"$ref": f"#/components/schemas/{name_of(field.nested)}"}
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": field_schema(field.inner)}
    elif isinstance(field, fields.Dict):
        out = {"type": "object", "additionalProperties": field_schema(field.value_field) if field.value_field else {}}
    else:
        out = next((dict(s) for kind, s in SCALARS if isinstance(field, kind)), {})
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            out["enum"] = list(validator.choices)
        elif isinstance(validator, validate.Range):
            out.update({k: v for k, v in (("minimum", validator.min), ("maximum", validator.max)) if v is not None})
        elif hasattr(validator, "bounds"):  # sync.fields.length / count
            out.update(dict(zip(SIZE_KEYWORDS[out.get("type", "string")], validator.bounds)))
    if field.allow_none and "$ref" not in out:
        out["type"] = [out.get("type", "string"), "null"]
    return out


def name_of(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


def object_schema(schema_cls: type[Schema]) -> dict:
    schema = schema_cls()
    props = {(f.data_key or n): field_schema(f) for n, f in schema.fields.items()}
    out = {"type": "object", "properties": props}
    required = [(f.data_key or n) for n, f in schema.fields.items() if f.required]
    if required:
        out["required"] = required
    if issubclass(schema_cls, schemas.Strict):
        out["additionalProperties"] = False
    return out


def described_schemas() -> list[type[Schema]]:
    """The root messages and every schema nested in them (none referenced without being defined)."""
    found: list[type[Schema]] = []
    pending = list(ROOTS)
    while pending:
        cls = pending.pop(0)
        if cls in found:
            continue
        found.append(cls)
        for field in cls().fields.values():
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Nested):
                nested = inner.nested if isinstance(inner.nested, type) else type(inner.nested)
                pending.append(nested)
    return found


def _json(ref: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _errors(*statuses: int) -> dict:
    """Error answers (JSON); every operation may answer 400 (unreadable request: NUL byte, invalid UTF-8)."""
    return {str(s): {"description": "Erreur", **_json("Error")} for s in sorted({400, *statuses})}


def _no_body(*statuses: int) -> dict:
    """The same answers for HEAD: status only, no body."""
    return {str(s): {"description": "Erreur (sans corps)"} for s in sorted({400, *statuses})}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    components = {name_of(cls): object_schema(cls) for cls in described_schemas()}
    # PROTOCOL: each report is judged on its own; one that is not a valid Report is answered "rejected" in the
    # results (HTTP 200), never blocking the others: the envelope accepts any object.
    components["PushRequest"]["properties"]["reports"]["items"] = {
        "type": "object", "description": "Un compte-rendu (schéma Report) ; invalide, il est refusé seul dans results."}
    components["PushRequest"]["properties"]["reports"]["maxItems"] = schemas.MAX_REPORTS_PER_PUSH
    sha = {"name": "sha256", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}
    bearer = [{"device": []}]
    paths = {
        "/devices": {"post": {"summary": "Enrôler une tablette",
                              "description": "Idempotent par `enrolment_id` (identifiant que la tablette crée et "
                                             "garde) : le même identifiant pour le même utilisateur rend le même "
                                             "appareil avec un nouveau jeton (PROTOCOL §2).",
                              "requestBody": _json("DeviceEnrolment"),
                              "responses": {"201": {"description": "Enrôlée", **_json("DeviceEnrolled")},
                                            **_errors(401, 403, 413, 415, 422, 429)}}},
        "/devices/{device_id}": {"delete": {
            "summary": "Révoquer une tablette (chef, admin)", "security": bearer,
            "parameters": [{"name": "device_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "Révoquée"}, **_errors(401, 403, 404)}}},
        "/sync/pull": {"get": {
            "summary": "Ordres, annulations et formulaires changés depuis le curseur", "security": bearer,
            "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}},
                           {"name": "limit", "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": schemas.PULL_LIMIT_MAX}}],
            "responses": {"200": {"description": "Une page", **_json("PullResponse")}, **_errors(401, 422)}}},
        "/sync/push": {"post": {
            "summary": "Envoyer des comptes-rendus (50 au plus)", "security": bearer,
            "requestBody": _json("PushRequest"),
            "responses": {"200": {"description": "Un résultat par compte-rendu", **_json("PushResponse")},
                          **_errors(401, 413, 415, 422)}}},
        "/blobs/{sha256}": {
            "put": {"summary": "Déposer une photo ou une signature", "security": bearer, "parameters": [sha],
                    "requestBody": {"content": {t: {"schema": {"type": "string", "format": "binary"}}
                                                for t in schemas.BLOB_TYPES}},
                    "responses": {"201": {"description": "Stocké", **_json("BlobReceipt")},
                                  "200": {"description": "Déjà présent", **_json("BlobReceipt")},
                                  **_errors(401, 413, 415, 422)}},
            "head": {"summary": "Présence d'un fichier", "security": bearer, "parameters": [sha],
                     "responses": {"200": {"description": "Présent"}, "404": {"description": "Absent"},
                                   **_no_body(401)}}},
        "/exports/{kind}": {"get": {
            "summary": "Export vers la facturation : objets changés depuis le curseur, dans l'ordre des validations "
                       "(client d'intégration, jeton et portée propres)",
            "security": [{"integration": []}],
            "parameters": [{"name": "kind", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": list(EXPORT_KINDS)}},
                           {"name": "cursor", "in": "query", "schema": {"type": "string"},
                            "description": "Opaque : celui de la page précédente ; absent, depuis le début."},
                           {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
            "responses": {"200": {"description": "Une page", "content": {"application/json": {"schema": {
                "type": "object", "required": ["kind", "items", "cursor", "more"],
                "properties": {"kind": {"type": "string"}, "items": {"type": "array", "items": {"type": "object"}},
                               "cursor": {"type": "string"}, "more": {"type": "boolean"}}}}}},
                          **_errors(400, 401, 403, 422)}}},
        "/exports/evidence/{sha256}": {"get": {
            "summary": "Photo justifiant un relevé exporté", "security": [{"integration": []}], "parameters": [sha],
            "responses": {"200": {"description": "La photo"}, **_errors(401, 403, 404)}}},
        "/blobs/{sha256}/upload": {
            "get": {"summary": "Octets détenus d'un fichier (reprise d'un envoi coupé)", "security": bearer,
                    "parameters": [sha],
                    "responses": {"200": {"description": "Complet, ou octets reçus d'un envoi en cours",
                                          "headers": {"Upload-Offset": {"schema": {"type": "integer"}}},
                                          **_upload_progress()}, **_errors(401)}},
            "patch": {"summary": "Envoyer la suite d'un fichier à partir de Upload-Offset (reprise)",
                      "security": bearer,
                      "parameters": [sha] + [{"name": name, "in": "header", "required": True,
                                              "schema": {"type": "integer", "minimum": 0}}
                                             for name in ("Upload-Offset", "Upload-Length")],
                      "requestBody": {"content": {"application/offset+octet-stream": {
                          "schema": {"type": "string", "format": "binary"}}}},
                      "responses": {"200": {"description": "Partie reçue (ou fichier déjà complet)", **_upload_progress()},
                                    "201": {"description": "Dernière partie : fichier vérifié et stocké",
                                            **_upload_progress()},
                                    "409": {"description": "Position différente de celle détenue (offset_mismatch) :"
                                                           " reprendre à `offset`", **_upload_progress()},
                                    **_errors(400, 401, 413, 415, 422)}}},
        "/ping": {"get": {"summary": "Point d'entrée trivial",
                          "responses": {"200": {"description": "OK"}, **_errors()}}},
    }
    return {"openapi": "3.1.0",
            "info": {"title": "Tournée — API des tablettes", "version": "1",
                     "description": "Protocole de synchronisation : voir sync/PROTOCOL.md."},
            "servers": [{"url": "/api/v1"}], "paths": paths,
            "components": {"schemas": components,
                           "securitySchemes": {"device": {"type": "http", "scheme": "bearer"},
                                               "integration": {"type": "http", "scheme": "bearer"}}}}
