"""Idempotent enrolment (DESIGN §7, PROTOCOL §2): the tablet's own enrolment id, on SQLite and PostgreSQL."""
import hashlib

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Device
from tests.api.sync_world_sql import PASSWORD, auth, build_world
from tests.conftest import sign_in
from tests.unit.sync_world import ALICE, BRUNO

ENROLMENT = "5b0c7e52-0d7f-4a8e-9a55-2a3c4d5e6f70"


@pytest.fixture
def client(app):
    with app.app_context():
        build_world()
    return app.test_client()


def enrol(client, login="alice.martin", enrolment_id=ENROLMENT, name="Tablette atelier"):
    body = {"login": login, "password": PASSWORD, "device_name": name}
    if enrolment_id is not None:
        body["enrolment_id"] = enrolment_id
    return client.post("/api/v1/devices", json=body)


def devices_of(app, user_id):
    with app.app_context():
        return db.session.execute(select(Device.id, Device.token_hash, Device.revoked_at)
                                  .where(Device.user_id == user_id).order_by(Device.id)).all()


def test_enrolment_sent_again_answers_the_same_device_with_a_new_token(client, app):
    first = enrol(client)
    assert first.status_code == 201
    again = enrol(client, name="Tablette atelier (2)")  # the first 201 was lost
    assert again.status_code == 201
    assert again.json["device_id"] == first.json["device_id"] and again.json["token"] != first.json["token"]
    mine = [d for d in devices_of(app, ALICE) if d.id == first.json["device_id"]]
    assert len(devices_of(app, ALICE)) == 2  # the world's own tablet and this one, no ghost
    assert mine[0].token_hash == hashlib.sha256(again.json["token"].encode()).hexdigest()
    assert client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {first.json['token']}"}).status_code == 401
    assert client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {again.json['token']}"}).status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "device")
                                     .order_by(AuditEntry.id)).all()
    assert actions == ["enrol_device", "renew_device_token"]


def test_the_same_enrolment_id_for_another_user_is_another_device(client, app):
    alice = enrol(client)
    bruno = enrol(client, login="bruno.petit")  # a tablet shared by two technicians
    assert alice.status_code == bruno.status_code == 201
    assert alice.json["device_id"] != bruno.json["device_id"]
    assert bruno.json["technician"]["id"] == BRUNO


def test_a_revoked_device_stays_revoked_and_the_same_id_enrols_a_new_one(client, app):
    first = enrol(client)
    assert client.delete(f"/api/v1/devices/{first.json['device_id']}", headers=auth(20)).status_code == 204
    again = enrol(client)
    assert again.status_code == 201 and again.json["device_id"] != first.json["device_id"]
    assert enrol(client).json["device_id"] == again.json["device_id"]
    revoked = [d for d in devices_of(app, ALICE) if d.id == first.json["device_id"]]
    assert revoked[0].revoked_at is not None


def test_wrong_password_or_malformed_enrolment_id_never_touch_the_device(client, app):
    first = enrol(client)
    wrong = client.post("/api/v1/devices", json={"login": "alice.martin", "password": "nope", "device_name": "x",
                                                 "enrolment_id": ENROLMENT})
    assert wrong.status_code == 401
    bad = enrol(client, enrolment_id="pas-un-uuid")
    assert bad.status_code == 422 and "enrolment_id" in bad.json["fields"]
    assert [d.token_hash for d in devices_of(app, ALICE) if d.id == first.json["device_id"]] == \
        [hashlib.sha256(first.json["token"].encode()).hexdigest()]


def test_without_an_enrolment_id_every_call_is_a_new_device(client, app):
    assert enrol(client, enrolment_id=None).json["device_id"] != enrol(client, enrolment_id=None).json["device_id"]


def test_office_tablet_list_shows_one_tablet_after_resent_enrolments(client, app):
    for _ in range(3):
        assert enrol(client, name="Tablette de tournée").status_code == 201
    office = app.test_client()
    assert sign_in(office, "admin.roux").status_code == 302
    page = office.get("/devices").get_data(as_text=True)
    assert page.count("Tablette de tournée") == 1
