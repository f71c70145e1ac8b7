"""Tablet and server agree on the protocol version (PROTOCOL §0): 426 with a French message when one side
is too old, nothing stored meanwhile; every answer says the versions the server speaks."""
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Report

from sync.protocol import OLDEST_ACCEPTED, PROTOCOL_VERSION
from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE, reading_report


@pytest.fixture
def client(sqlite_app):
    with sqlite_app.app_context():
        build_world(with_office=False)
    return sqlite_app.test_client()


def push(client, version):
    headers = {**auth(ALICE), **({"X-Tournee-Protocol": version} if version is not None else {})}
    return client.post("/api/v1/sync/push", json={"reports": [reading_report()]}, headers=headers)


def test_answers_say_the_versions_the_server_speaks(client):
    answer = client.get("/api/v1/sync/pull", headers={**auth(ALICE), "X-Tournee-Protocol": str(PROTOCOL_VERSION)})
    assert answer.status_code == 200
    assert answer.headers["X-Tournee-Protocol"] == str(PROTOCOL_VERSION)
    assert answer.headers["X-Tournee-Protocol-Oldest"] == str(OLDEST_ACCEPTED)
    assert client.get("/api/v1/sync/pull").headers["X-Tournee-Protocol"] == str(PROTOCOL_VERSION)  # even on 401


def test_a_tablet_too_old_is_told_in_french_to_update_and_nothing_is_stored(client):
    answer = push(client, str(OLDEST_ACCEPTED - 1))
    assert answer.status_code == 426 and answer.json["error"] == "protocol_too_old"
    assert "trop ancienne" in answer.json["message"] and "pour la mettre à jour" in answer.json["message"]
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_tablet_newer_than_the_server_is_told_the_server_is_too_old(client):
    answer = push(client, str(PROTOCOL_VERSION + 1))
    assert answer.status_code == 426 and answer.json["error"] == "server_too_old"
    assert "Serveur trop ancien" in answer.json["message"]


def test_no_header_is_version_one_and_a_garbled_one_is_refused(client):
    assert push(client, None).status_code == 200
    answer = push(client, "v1")
    assert answer.status_code == 400 and answer.json["error"] == "invalid_request"
