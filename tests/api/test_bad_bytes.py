"""NUL bytes and invalid UTF-8 anywhere get a 400 with a clear French message, never a 500 (issue 12), on
SQLite and PostgreSQL: office searches, forms, the enrolment and the tablet's JSON."""
import pytest

from tests.api.scope_world import build_scope_world, token_of
from tests.conftest import csrf_token_from, sign_in
from server.extensions import db

SEARCHES = ["/customers?q=%00", "/invoices?q=%00", "/cashier?q=%00", "/dossiers?state=%00", "/tasks?kind=%00",
            "/orders?type=%00", "/customers?q=%C3%28", "/customers?q=%FF"]


@pytest.fixture
def world(app):
    with app.app_context():
        built = build_scope_world()
        db.session.remove()
    return built


def refused(answer, json=False):
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    text = answer.json["message"] if json else answer.get_data(as_text=True)
    assert "nul" in text or "UTF-8" in text, text


def test_nul_and_invalid_utf8_in_the_query_string_are_400(app, world):
    client = app.test_client()
    sign_in(client, "admin")
    for path in SEARCHES:
        refused(client.get(path))
    assert client.get("/customers?q=Client").status_code == 200


def test_nul_in_a_form_and_in_the_path_is_400(app, world):
    client = app.test_client()
    sign_in(client, "agent.water")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    dossier = world["objects"]["water"]["dossier_id"]
    refused(client.post(f"/dossiers/{dossier}/postpone", data={"csrf_token": token, "new_date": "2026-12-09\x00"}))
    refused(client.post(f"/dossiers/{dossier}/postpone", data=f"csrf_token={token}&new_date=%FF".encode(),
                        content_type="application/x-www-form-urlencoded"))
    refused(client.get("/customers/%00"))
    refused(app.test_client().post("/login", data={"login": "admin\x00", "password": "x"}))


def test_nul_in_the_tablet_json_is_400_in_json(app, world):
    client = app.test_client()
    refused(client.post("/api/v1/devices", data=b'{"login": "tech\\u0000", "password": "x", "device_name": "t"}',
                        content_type="application/json"), json=True)
    refused(client.post("/api/v1/devices", data=b'{"login": "\xff", "password": "x", "device_name": "t"}',
                        content_type="application/json"), json=True)
    headers = {"Authorization": f"Bearer {token_of('technician.water')}"}
    refused(client.post("/api/v1/sync/push", data=b'{"reports": [], "x": "\\u0000"}', headers=headers,
                        content_type="application/json"), json=True)
    refused(client.get("/api/v1/sync/pull?cursor=%00", headers=headers), json=True)
    # an escaped backslash before "u0000" is text, not a NUL
    answer = client.post("/api/v1/devices", data=b'{"login": "a\\\\u0000", "password": "x", "device_name": "t"}',
                         content_type="application/json")
    assert answer.status_code == 401
