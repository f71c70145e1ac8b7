"""Malformed, oversized, wrong-type or hostile input on every /api/v1 route: a clear 4xx, never a 5xx."""
import json
import random

import pytest

from tests.api.sync_world_sql import PASSWORD, auth, build_world
from tests.unit.sync_world import ALICE, reading_report

SHA = "0" * 64
HOSTILE_VALUES = [None, True, -1, 0, 2**64, 1e308, "", "x" * 100_000, "\u0000", "é\ud7ff", [], {}, [[[[[]]]]],
                  {"$where": "1"}, "' OR '1'='1", "<script>", "../../etc/passwd", "١٢٣"]


@pytest.fixture
def app(sqlite_app):
    """Access to the API does not depend on the database engine: SQLite only."""
    return sqlite_app


@pytest.fixture
def client(app):
    with app.app_context():
        build_world()
    return app.test_client()


def bodies(seed: int) -> list:
    """Reports and envelopes with one field replaced by a hostile value, and raw garbage."""
    rng = random.Random(seed)
    out = [b"", b"null", b"\xff\xfe\x00", b"{" * 10, json.dumps({"reports": "x" * 10_000}).encode()]
    for value in HOSTILE_VALUES:
        report = reading_report()
        key = rng.choice(sorted(report))
        report[key] = value
        answers = dict(reading_report()["answers"], **{rng.choice(["index", "photo_index", "sig_technician", "zz"]): value})
        out += [json.dumps({"reports": [report]}).encode(), json.dumps({"reports": [dict(report, answers=answers)]}).encode(),
                json.dumps({"reports": value}).encode(), json.dumps(value).encode()]
    return out


def test_push_never_answers_5xx(client):
    for body in bodies(1):
        response = client.post("/api/v1/sync/push", data=body,
                               headers={**auth(ALICE), "Content-Type": "application/json"})
        assert response.status_code < 500, body[:200]
        assert response.is_json


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_enrolment_and_pull_never_answer_5xx(client, value):
    text = value if isinstance(value, str) else json.dumps(value)
    for body in ({"login": value, "password": PASSWORD, "device_name": "T"},
                 {"login": "alice.martin", "password": value, "device_name": value}, value):
        response = client.post("/api/v1/devices", data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500 and response.is_json
    for query in ({"cursor": text[:5000]}, {"limit": text[:100]}, {"cursor": text[:50], "limit": "3"}):
        response = client.get("/api/v1/sync/pull", query_string=query, headers=auth(ALICE))
        assert response.status_code < 500 and response.is_json


@pytest.mark.parametrize("name", [SHA, "x" * 5000, "%00", "..%2F..%2Fsecret"])
def test_blob_routes_never_answer_5xx(client, name):
    for data in (b"", b"\x00" * 1000, b"\xff\xd8\xff" + b"\x00" * 100, b"RIFF\x00\x00\x00\x00WEBPVP8 "):
        response = client.put(f"/api/v1/blobs/{name}", data=data, headers={**auth(ALICE), "Content-Type": "image/jpeg"})
        assert response.status_code < 500
    assert client.head(f"/api/v1/blobs/{name}", headers=auth(ALICE)).status_code < 500


def test_lone_surrogates_and_non_finite_numbers_never_answer_5xx(client):
    report = json.dumps({"reports": [reading_report()]})
    for hostile in ('"\\ud800"', "NaN", "Infinity", "-Infinity", "1e999"):
        body = report.replace('"Alice Martin"', hostile)
        response = client.post("/api/v1/sync/push", data=body, headers={**auth(ALICE), "Content-Type": "application/json"})
        assert response.status_code < 500
        if response.status_code == 200:
            assert response.json["results"][0]["status"] == "rejected"
