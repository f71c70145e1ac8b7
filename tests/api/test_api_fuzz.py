"""schemathesis over the document served at /api/v1/openapi.json (issue 12): bounded, deterministic, on SQLite
and PostgreSQL, with a technician's token on a world built here: 0 server errors, 0 answers the document does
not describe (status, content type, headers, body)."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings, strategies as st

from server.api.openapi import openapi_document
from server.extensions import db
from tests.api.scope_world import build_scope_world, token_of

CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance, schemathesis.checks.response_schema_conformance,
          schemathesis.checks.response_headers_conformance, schemathesis.checks.negative_data_rejection,
          schemathesis.checks.unsupported_method, schemathesis.checks.allow_header_conformance,
          schemathesis.checks.missing_required_header]  # (no-token answers: test_api_access)
# the parts of a resumable upload are raw bytes (PROTOCOL §5)
schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=64))
schema = schemathesis.openapi.from_dict(openapi_document())  # the very document the route serves


@pytest.fixture
def fuzzed_app(app):
    with app.app_context():
        build_scope_world()
        db.session.remove()
    return app


def test_the_fuzzed_document_is_the_served_one(sqlite_app):
    assert sqlite_app.test_client().get("/api/v1/openapi.json").json == openapi_document()


@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_document_says(case, fuzzed_app):
    case.operation.app = fuzzed_app  # this test's app (and database): the checks' own requests go to it too
    # identity: compression is the transport's business (tests/api/test_compression.py), the document is about content
    case.call_and_validate(base_url="http://localhost/api/v1",
                           headers={"Authorization": f"Bearer {token_of('technician.water')}", "Accept-Encoding": "identity"},
                           checks=CHECKS)


def test_head_and_trace_answer_as_documented(fuzzed_app):
    client = fuzzed_app.test_client()
    assert client.head(f"/api/v1/blobs/{'0' * 64}").status_code == 401
    answer = client.open("/api/v1/sync/pull", method="TRACE")
    assert answer.status_code == 405 and set(answer.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert answer.json["error"] == "method_not_allowed"
    assert client.open("/customers", method="TRACE").headers["Allow"]
