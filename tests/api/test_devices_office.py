"""The office's device list: last sync, app version, queue and storage reported by the tablet; revocation."""
from tests.conftest import csrf_token_from


def enrol(app, login="tech.eau1"):
    client = app.test_client()
    answer = client.post("/api/v1/devices", json={"login": login, "password": "tournee2026", "device_name": "Tab-07"})
    assert answer.status_code == 201
    return client, answer.get_json()


def test_chief_sees_telemetry_and_revokes_a_lost_tablet(sqlite_demo_app, office):
    tablet, enrolled = enrol(sqlite_demo_app)
    headers = {"Authorization": f"Bearer {enrolled['token']}", "X-Tournee-App-Version": "v-abc123",
               "X-Tournee-Queue-Depth": "3", "X-Tournee-Storage-Used": str(5 * 1048576),
               "X-Tournee-Storage-Quota": str(200 * 1048576)}
    assert tablet.get("/api/v1/sync/pull", headers=headers).status_code == 200
    chief = office("chef.eau")
    page = chief.get("/devices").get_data(as_text=True)
    for text in ("Julien Roux", "Tab-07", "v-abc123", "5.0 Mo / 200.0 Mo", "Active"):
        assert text in page
    assert "Mawulé Tossou" not in page  # another utility's technician
    answer = chief.post(f"/devices/{enrolled['device_id']}/revoke", data={"csrf_token": csrf_token_from(page)})
    assert answer.status_code == 302
    assert "Révoquée le" in chief.get("/devices").get_data(as_text=True)
    assert tablet.get("/api/v1/sync/pull", headers=headers).status_code == 401


def test_revocation_needs_the_csrf_token(sqlite_demo_app, office):
    tablet, enrolled = enrol(sqlite_demo_app)
    assert office("chef.eau").post(f"/devices/{enrolled['device_id']}/revoke").status_code == 400
    headers = {"Authorization": f"Bearer {enrolled['token']}"}
    assert tablet.get("/api/v1/sync/pull", headers=headers).status_code == 200


def test_the_waiting_reports_count_follows_every_sync(sqlite_demo_app, office):
    tablet, enrolled = enrol(sqlite_demo_app)
    headers = {"Authorization": f"Bearer {enrolled['token']}", "X-Tournee-App-Version": "v-1"}
    for waiting in ("3", "0"):                   # two syncs within the same minute
        assert tablet.get("/api/v1/sync/pull", headers={**headers, "X-Tournee-Queue-Depth": waiting}).status_code == 200
    from server.extensions import db
    from server.models import Device
    with sqlite_demo_app.app_context():
        assert db.session.get(Device, enrolled["device_id"]).queue_depth == 0
