"""W24 on the tablet: every pull page tells the tablet how long it keeps personal data after an
acknowledgement (TOURNEE_TABLET_RETENTION_DAYS, PROTOCOL §3)."""
import pytest

from server.api.openapi import openapi_document
from server.config import load_config
from tests.api.sync_world_sql import build_world

AUTH = {"Authorization": "Bearer golden-token-7"}


@pytest.fixture
def client(sqlite_app):
    with sqlite_app.app_context():
        build_world()
    return sqlite_app.test_client()


def test_every_pull_page_carries_the_tablet_retention_setting(client, sqlite_app):
    assert sqlite_app.config["TABLET_RETENTION_DAYS"] == 7
    first = client.get("/api/v1/sync/pull?limit=3", headers=AUTH).get_json()
    assert first["tablet_retention_days"] == 7 and first["has_more"]
    sqlite_app.config["TABLET_RETENTION_DAYS"] = 30
    second = client.get(f"/api/v1/sync/pull?limit=3&cursor={first['cursor']}", headers=AUTH).get_json()
    assert second["tablet_retention_days"] == 30


def test_the_setting_comes_from_the_environment_and_is_in_the_openapi_document(monkeypatch, tmp_path, sqlite_app):
    monkeypatch.setenv("TOURNEE_TABLET_RETENTION_DAYS", "3")
    assert load_config({"INSTANCE_PATH": str(tmp_path)})["TABLET_RETENTION_DAYS"] == 3
    with sqlite_app.app_context():
        pull = openapi_document()["components"]["schemas"]["PullResponse"]
    assert pull["properties"]["tablet_retention_days"]["type"] == "integer"
