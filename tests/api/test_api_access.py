"""Every /api/v1 route with every role: bearer tokens only, own orders only, revocation immediate."""
from datetime import datetime, timezone

import pytest

from server.extensions import db
from server.models import User
from server.services.field.devices import revoke_device
from tests.api.sync_world_sql import OFFICE, PASSWORD, auth, build_world, token_of
from tests.conftest import sign_in
from tests.unit.sync_world import ALICE, BRUNO, GOLDEN, reading_report

PNG = (GOLDEN / "blobs" / "dials.png").read_bytes()
PNG_SHA = __import__("hashlib").sha256(PNG).hexdigest()
ROLES = {"alice": ALICE, "bruno": BRUNO, **{role: uid for uid, _, _, role in OFFICE}}
OFFICE_ONLY = ("agent", "controller", "cashier")

# (method, rule) -> what each caller gets; "token" callers use their device's bearer token.
ROUTES = {
    ("GET", "/api/v1/ping"): "public",
    ("GET", "/api/v1/openapi.json"): "public",
    ("POST", "/api/v1/devices"): "credentials",
    ("DELETE", "/api/v1/devices/<int:device_id>"): "chief_admin",
    ("GET", "/api/v1/sync/pull"): "device",
    ("POST", "/api/v1/sync/push"): "device",
    ("PUT", "/api/v1/blobs/<sha256>"): "device",
    ("HEAD", "/api/v1/blobs/<sha256>"): "device",
    ("GET", "/api/v1/blobs/<sha256>/upload"): "device",
    ("PATCH", "/api/v1/blobs/<sha256>/upload"): "device",
    ("GET", "/api/v1/exports/<kind>"): "integration",
    ("GET", "/api/v1/exports/evidence/<sha256>"): "integration",
}
# The answer of each route open to the caller, in a world where the blob was never uploaded: created (201) for a
# new device or blob, 404 for HEAD of a blob not there yet, 200 otherwise.
ALLOWED_STATUS = {("POST", "/api/v1/devices"): 201, ("PUT", "/api/v1/blobs/<sha256>"): 201,
                  ("PATCH", "/api/v1/blobs/<sha256>/upload"): 201, ("HEAD", "/api/v1/blobs/<sha256>"): 404}


@pytest.fixture
def app(sqlite_app):
    """Access rules do not depend on the database engine: SQLite only (push/pull tests run both)."""
    return sqlite_app


@pytest.fixture
def client(app):
    with app.app_context():
        build_world()
    return app.test_client()


def call(client, method, rule, headers):
    path = rule.replace("<int:device_id>", str(BRUNO * 10)).replace("<sha256>", PNG_SHA).replace("<kind>", "readings")
    kwargs = {"headers": headers}
    if rule.endswith("/push"):
        kwargs["json"] = {"reports": [reading_report()]}
    elif rule.endswith("/devices"):
        kwargs["json"] = {"login": "alice.martin", "password": PASSWORD, "device_name": "T"}
    elif method == "PUT":
        kwargs.update(data=PNG, content_type="image/png")
    elif method == "PATCH":  # the whole file as the one part of a resumable upload
        kwargs.update(data=PNG, content_type="application/offset+octet-stream",
                      headers={**headers, "Upload-Offset": "0", "Upload-Length": str(len(PNG))})
    return client.open(path, method=method, **kwargs)


def test_the_table_names_every_api_route(app):
    found = {(m, r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/")
             for m in r.methods - {"OPTIONS"} if not (m == "HEAD" and "GET" in r.methods)}
    assert found == set(ROUTES)


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("who", sorted(ROLES))
def test_route_with_each_role(client, route, who):
    method, rule = route
    response = call(client, method, rule, auth(ROLES[who]))
    kind = ROUTES[route]
    if kind in ("public", "credentials"):
        assert response.status_code == ALLOWED_STATUS.get(route, 200)
    elif kind == "integration":  # the billing feed takes an integration client's token, never a tablet's
        assert response.status_code == 401
    elif kind == "chief_admin":
        # Bruno's tablet: another technician does not see it (404), office roles that revoke nothing get 403
        assert response.status_code == (204 if who in ("chief", "admin") else 404 if who == "alice" else 403)
    else:  # any device may call it
        assert response.status_code == ALLOWED_STATUS.get(route, 200), response.get_data(as_text=True)


@pytest.mark.parametrize("route", sorted(r for r, kind in ROUTES.items() if kind in ("device", "chief_admin")))
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                                     {"Authorization": f"bearer{token_of(ALICE)}"},
                                     {"Authorization": "Bearer " + "x" * 5000}])
def test_protected_routes_refuse_without_a_live_token(client, route, headers):
    response = call(client, *route, headers)
    assert response.status_code == 401
    if route[0] != "HEAD":
        assert response.json["error"] == "unauthorized" and response.json["message"]


def test_revoked_token_is_refused_at_its_next_request(client, app):
    assert client.get("/api/v1/sync/pull", headers=auth(ALICE)).status_code == 200
    with app.app_context():
        revoke_device(ALICE * 10, by=db.session.get(User, 20), now=datetime.now(timezone.utc))
    response = client.get("/api/v1/sync/pull", headers=auth(ALICE))
    assert response.status_code == 401 and response.json["error"] == "unauthorized"


def test_revoking_through_the_api_cuts_the_tablet_off(client):
    assert client.delete(f"/api/v1/devices/{ALICE * 10}", headers=auth(20)).status_code == 204
    assert client.post("/api/v1/sync/push", json={"reports": [reading_report()]},
                       headers=auth(ALICE)).status_code == 401
    assert client.delete("/api/v1/devices/999999", headers=auth(20)).status_code == 404
    assert client.delete(f"/api/v1/devices/{10**30}", headers=auth(20)).status_code == 404


@pytest.mark.parametrize("login", ["chef.dupont", "alice.martin", "admin.roux"])
def test_an_office_session_cookie_alone_never_authorises_the_api(client, login):
    assert sign_in(client, login, PASSWORD).status_code == 302
    for method, rule in ROUTES:
        if ROUTES[(method, rule)] in ("device", "chief_admin"):
            assert call(client, method, rule, {}).status_code == 401


@pytest.mark.parametrize("who,status", [("alice", 201), ("chief", 201), ("admin", 201),
                                        ("agent", 403), ("controller", 403), ("cashier", 403)])
def test_who_may_enrol_a_tablet(client, who, status):
    login = {ALICE: "alice.martin", BRUNO: "bruno.petit", **{uid: lg for uid, lg, _, _ in OFFICE}}[ROLES[who]]
    response = client.post("/api/v1/devices", json={"login": login, "password": PASSWORD, "device_name": "T1"})
    assert response.status_code == status
    if status == 201:
        body = response.json
        assert set(body) == {"device_id", "token", "technician"} and len(body["token"]) >= 43
        assert client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {body['token']}"}).status_code == 200


def test_wrong_password_is_401_and_guessing_is_throttled(client):
    bad = {"login": "alice.martin", "password": "wrong", "device_name": "T1"}
    statuses = [client.post("/api/v1/devices", json=bad).status_code for _ in range(7)]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_a_technician_pulls_only_their_own_orders(client):
    alice = client.get("/api/v1/sync/pull", headers=auth(ALICE)).json
    bruno = client.get("/api/v1/sync/pull", headers=auth(BRUNO)).json
    assert sorted(o["id"] for o in alice["orders"]) == [101, 102, 103, 105, 106]
    assert [o["id"] for o in bruno["orders"]] == [104]
    for who in OFFICE_ONLY:
        assert client.get("/api/v1/sync/pull", headers=auth(ROLES[who])).json["orders"] == []


def test_a_technician_cannot_push_on_another_technicians_order(client):
    report = reading_report(order_id=104)
    report["answers"]["meter_serial"] = "W18-000104"
    [result] = client.post("/api/v1/sync/push", json={"reports": [report]}, headers=auth(ALICE)).json["results"]
    assert result["status"] == "rejected" and result["http_status"] == 403


def test_a_technician_cannot_reuse_another_technicians_cursor(client):
    cursor = client.get("/api/v1/sync/pull", headers=auth(BRUNO)).json["cursor"]
    response = client.get(f"/api/v1/sync/pull?cursor={cursor}", headers=auth(ALICE))
    assert response.status_code == 400 and response.json["error"] == "invalid_cursor"
