"""Answers are compressed when the client accepts it (JSON of the tablet, office pages, the app's
files), and left alone when it does not."""
import gzip
import json

from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE


def test_pull_json_is_gzipped_when_asked_and_plain_otherwise(sqlite_app):
    with sqlite_app.app_context():
        build_world(with_office=False)
    client = sqlite_app.test_client()
    zipped = client.get("/api/v1/sync/pull", headers={**auth(ALICE), "Accept-Encoding": "gzip"})
    plain = client.get("/api/v1/sync/pull", headers=auth(ALICE))
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    body = json.loads(gzip.decompress(zipped.get_data()))
    assert body["orders"] and len(zipped.get_data()) < len(plain.get_data()) / 2
    assert "Content-Encoding" not in plain.headers and plain.get_json()["orders"]


def test_office_pages_and_the_app_files_are_compressed(sqlite_demo_app):
    client = sqlite_demo_app.test_client()
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and b"<form" in gzip.decompress(page.get_data())
    shell = client.get("/app/", headers={"Accept-Encoding": "gzip"}, follow_redirects=True)
    assert shell.status_code == 200
    precache = client.get("/app/precache.json").get_json()["files"]
    script = next(f for f in precache if f.endswith(".js"))
    script = script if script.startswith("/") else "/app/" + script
    answer = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.get_data())
