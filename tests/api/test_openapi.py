"""GET /api/v1/openapi.json: generated from the marshmallow schemas, in step with the routes."""
import re

import pytest

from tests.unit.sync_world import reading_report


@pytest.fixture
def app(sqlite_app):
    """The document does not depend on the database engine: SQLite only."""
    return sqlite_app


def test_openapi_names_every_route_and_the_wire_schemas(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1"))
              for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/") and "openapi" not in r.rule}
    assert routes == set(document["paths"])
    report = document["components"]["schemas"]["Report"]
    assert report["additionalProperties"] is False and set(report["properties"]) == set(reading_report())
    assert report["properties"]["outcome"]["enum"] == ["done", "absent", "no_access", "refused", "anomaly"]
    assert document["components"]["schemas"]["PushRequest"]["properties"]["reports"]["maxItems"] == 50


def test_openapi_documents_the_enrolment_id_and_the_conflict_reason(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    enrolment = document["components"]["schemas"]["DeviceEnrolment"]
    assert enrolment["properties"]["enrolment_id"] == {"type": "string", "format": "uuid"}
    assert "enrolment_id" not in enrolment["required"]
    assert "enrolment_id" in document["paths"]["/devices"]["post"]["description"]
    assert document["components"]["schemas"]["PushResult"]["properties"]["conflict"] == {"type": "string"}
