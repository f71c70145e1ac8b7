"""Watching the fleet: /metrics (protected, counts pushes, pulls, blob bytes, answers by status; reports
per state from the database), the JSON access log (never a secret nor a customer's name) and the office
page of tablets silent for too long."""
import hashlib
import io
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from server import access_log
from server.extensions import db
from server.models import Customer, Device, User
from server.services.field.devices import hash_token
from tests.api.sync_world_sql import auth, build_world
from tests.conftest import sign_in
from tests.unit.sync_world import ALICE, GOLDEN, reading_report

TOKEN = "metrics-secret-token-1234"
PNG = (GOLDEN / "blobs" / "dials.png").read_bytes()
SIGNATURE = (GOLDEN / "blobs" / "signature.png").read_bytes()


def samples(text: str) -> dict:
    """{(name, frozenset(labels)): value} of a scrape."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(scrape: dict, name: str, **labels) -> float:
    return scrape.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def world_app(app):
    app.config.update(METRICS_TOKEN=TOKEN, METRICS_NETWORKS=["10.9.0.0/16"])
    with app.app_context():
        build_world(with_office=False)
    return app


def scrape(client) -> dict:
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain")
    return samples(answer.get_data(as_text=True))


def test_metrics_are_refused_without_the_token_or_the_admin_network(world_app):
    client = world_app.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers=auth(ALICE)).status_code == 404  # a tablet's token is not it
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.3.4"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.8.3.4"}).status_code == 404


def test_metrics_count_pushes_pulls_blob_bytes_and_reports_per_state(world_app):
    client = world_app.test_client()
    before = scrape(client)
    photo, signature = hashlib.sha256(PNG).hexdigest(), hashlib.sha256(SIGNATURE).hexdigest()
    for data, sha in ((PNG, photo), (SIGNATURE, signature)):
        assert client.put(f"/api/v1/blobs/{sha}", data=data,
                          headers={**auth(ALICE), "Content-Type": "image/png"}).status_code == 201
    report = reading_report(photo=photo, signature=signature)
    for _ in range(2):  # the resend is acknowledged again as a duplicate
        assert client.post("/api/v1/sync/push", json={"reports": [report]}, headers=auth(ALICE)).status_code == 200
    assert client.get("/api/v1/sync/pull", headers=auth(ALICE)).status_code == 200
    assert client.get("/api/v1/sync/pull?cursor=garbage", headers=auth(ALICE)).status_code == 400
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    assert grew("tournee_sync_pushes_total", status="200") == 2
    assert grew("tournee_sync_pushed_reports_total", result="applied") == 1
    assert grew("tournee_sync_pushed_reports_total", result="duplicate") == 1
    assert grew("tournee_sync_pulls_total", status="200") == 1 and grew("tournee_sync_pulls_total", status="400") == 1
    assert grew("tournee_blob_received_bytes_total") == len(PNG) + len(SIGNATURE)
    assert grew("tournee_http_responses_total", method="GET", route="/api/v1/sync/pull", status="400") == 1
    assert grew("tournee_http_request_duration_seconds_count", method="POST", route="/api/v1/sync/push") == 2
    assert value(after, "tournee_reports", state="received") == 1
    assert value(after, "tournee_tablet_oldest_sync_age_seconds") >= 0
    assert value(after, "tournee_tablets_silent") == 1  # Bruno's tablet never synced


def test_the_access_log_is_one_json_line_per_request_without_secrets(sqlite_demo_app):
    app = sqlite_demo_app
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(access_log.formatter())
    logger = logging.getLogger(access_log.LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with app.app_context():
            customer = db.session.scalars(select(Customer).limit(1)).one()
            secrets = [customer.last_name, "tournee2026", "FR7630006000011234567890189"]
        client = app.test_client()
        assert sign_in(client, "agent.eau").status_code == 302
        client.get(f"/customers?q={customer.last_name}")
        client.post("/customers/1/bank-details", data={"iban": secrets[2], "holder": customer.last_name})
        enrolled = client.post("/api/v1/devices", json={"login": "tech.eau1", "password": "tournee2026",
                                                       "device_name": "Tablette 1"})
        assert enrolled.status_code == 201
        token = enrolled.json["token"]
        secrets.append(token)
        pulled = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}", "X-Request-Id": "tablet-req-0001"})
        assert pulled.headers["X-Request-Id"] == "tablet-req-0001"
    finally:
        logger.removeHandler(handler)
    text = lines.getvalue()
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) >= 6 and all({"request_id", "route", "status", "duration_ms", "time"} <= set(r) for r in records)
    assert records[-1]["request_id"] == "tablet-req-0001" and records[-1]["device_id"] and records[-1]["user_id"]
    assert any(r.get("user_id") and r["route"] == "/customers" for r in records)
    for secret in secrets:
        assert secret not in text, f"{secret!r} was logged"


def add_device(user: User, name: str, last_sync_at, queue: int, version: str) -> None:
    db.session.add(Device(user_id=user.id, name=name, token_hash=hash_token(name), last_sync_at=last_sync_at,
                          queue_depth=queue, app_version=version))


def test_silent_tablets_page_lists_the_oldest_first_for_the_chief_of_their_utility(demo_app):
    now = datetime.now(timezone.utc)
    with demo_app.app_context():
        users = {u.login: u for u in db.session.scalars(select(User))}
        add_device(users["tech.eau1"], "Tablette récente", now - timedelta(hours=1), 0, "1.4.0")
        add_device(users["tech.eau1"], "Tablette trois jours", now - timedelta(days=3, hours=2), 7, "1.3.9")
        add_device(users["tech.eau2"], "Tablette cinq jours", now - timedelta(days=5), 2, "1.2.0")
        add_device(users["tech.elec1"], "Tablette électricité", now - timedelta(days=9), 4, "1.1.0")
        db.session.commit()
    chief = demo_app.test_client()
    sign_in(chief, "chef.eau")
    page = chief.get("/devices/silent").get_data(as_text=True)
    assert "Tablette récente" not in page and "Tablette électricité" not in page
    assert page.index("Tablette cinq jours") < page.index("Tablette trois jours")
    assert "1.3.9" in page and ">7<" in page and "3 j 2 h" in page
    assert "Tablette trois jours" not in chief.get("/devices/silent?hours=96").get_data(as_text=True)
    admin = demo_app.test_client()
    sign_in(admin, "admin")
    assert "Tablette électricité" in admin.get("/devices/silent").get_data(as_text=True)
    agent = demo_app.test_client()
    sign_in(agent, "agent.eau")
    assert agent.get("/devices/silent").status_code == 403


def test_silent_tablets_are_paged(sqlite_demo_app):
    from server.services.operations.fleet import silent_tablets
    now = datetime.now(timezone.utc)
    with sqlite_demo_app.app_context():
        tech = db.session.scalar(select(User).where(User.login == "tech.eau1"))
        admin = db.session.scalar(select(User).where(User.login == "admin"))
        for i in range(7):
            add_device(tech, f"T{i}", now - timedelta(days=10 - i), i, "1.0")
        db.session.commit()
        first = silent_tablets(admin, now=now, older_than=timedelta(days=1), per_page=3)
        last = silent_tablets(admin, now=now, older_than=timedelta(days=1), page=3, per_page=3)
        assert (first.total, first.pages) == (7, 3)
        assert [t.device.name for t in first.items] == ["T0", "T1", "T2"] and [t.device.name for t in last.items] == ["T6"]


def test_tick_runs_are_counted_and_timed(sqlite_demo_app):
    sqlite_demo_app.config.update(METRICS_TOKEN=TOKEN)
    client = sqlite_demo_app.test_client()
    before = scrape(client)
    result = sqlite_demo_app.test_cli_runner().invoke(args=["tick", "--now", "2026-12-05T08:00"])
    assert result.exit_code == 0, result.output
    after = scrape(client)
    assert value(after, "tournee_tick_runs_total", outcome="done") - value(before, "tournee_tick_runs_total", outcome="done") == 1
    assert value(after, "tournee_tick_duration_seconds_count") - value(before, "tournee_tick_duration_seconds_count") == 1
