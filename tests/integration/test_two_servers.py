"""More than one server: two application processes (gunicorn, different instance folders) on one
PostgreSQL and one S3-protocol object store (moto's server); a tablet syncing through both in turn
loses nothing."""
import hashlib
import io
import json
import urllib.error
import urllib.request
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import Order, Report
from server.services.base.counters import next_value
from tests.api.sync_world_sql import build_world, token_of
from tests.live_server import LiveServer, prepare_database
from tests.unit.sync_golden import blob_file, photo_report
from tests.unit.sync_world import ALICE

ORDERS = 8


def photo(i: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (i * 20 % 256, 90, 200 - i)).save(out, "PNG")
    return out.getvalue()


def call(server, method, path, body=None, content_type="application/json"):
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(server.url + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token_of(ALICE)}", "Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            raw = answer.read()
            return answer.status, (json.loads(raw) if raw and answer.headers.get_content_type() == "application/json" else raw)
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture
def two_servers(pg_databases, s3_server, tmp_path):
    name, url = pg_databases.create()
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    prepare_database(first, url=url, with_demo=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(first), "SECRET_KEY": "x"})
    with app.app_context():
        build_world(with_office=False)
        template = db.session.get(Order, 101)
        for i in range(ORDERS):
            db.session.add(Order(ref=f"AT-TWO-{i:03d}", type="READING", state="assigned", version=1,
                                 delivery_point_id=template.delivery_point_id, meter_id=template.meter_id,
                                 assignee_id=ALICE, planned_date=template.planned_date, round_position=20 + i,
                                 change_seq=next_value("orders")))
        db.session.commit()
        ids = list(db.session.scalars(select(Order.id).where(Order.ref.like("AT-TWO-%")).order_by(Order.id)))
        db.engine.dispose()
    environment = {**s3_server.environment(s3_server.new_bucket()), "TOURNEE_TICK_INTERVAL": "0"}
    servers = [LiveServer(folder, url, env=environment).start(timeout=90) for folder in (first, second)]
    yield servers, ids, url
    for server in servers:
        server.stop()
    pg_databases.drop(name)


def test_a_tablet_syncing_through_two_servers_in_turn_loses_nothing(two_servers):
    servers, ids, url = two_servers
    signature, signature_sha = blob_file("signature.png")
    assert call(servers[1], "PUT", f"/api/v1/blobs/{signature_sha}", signature, "image/png")[0] == 201
    sent = {}
    for i, order_id in enumerate(ids):
        here, there = servers[i % 2], servers[(i + 1) % 2]
        image = photo(i)
        digest = hashlib.sha256(image).hexdigest()
        report = {**photo_report(str(uuid.uuid4()), 101, "dials.png", device_seq=i + 1), "order_id": order_id}
        report["answers"]["photo_index"] = [digest]
        report["attachments"][0].update(sha256=digest, size=len(image), content_type="image/png")
        assert call(here, "PUT", f"/api/v1/blobs/{digest}", image, "image/png")[0] == 201
        assert call(there, "PUT", f"/api/v1/blobs/{digest}", image, "image/png")[0] == 200  # already there
        status, answer = call(there, "POST", "/api/v1/sync/push", {"reports": [report]})
        assert status == 200 and answer["results"][0]["status"] == "applied", answer
        sent[report["uuid"]] = digest
    for server in servers:
        for digest in list(sent.values()) + [signature_sha]:
            assert call(server, "HEAD", f"/api/v1/blobs/{digest}")[0] == 200
    cursor, orders, rounds = "", set(), 0
    while rounds < 20:  # pages taken from one server then the other, one cursor
        status, page = call(servers[rounds % 2], "GET", f"/api/v1/sync/pull?limit=3&cursor={cursor}")
        assert status == 200, page
        orders |= {o["id"] for o in page["orders"]}
        cursor, rounds = page["cursor"], rounds + 1
        if not page["has_more"]:
            break
    assert set(ids) <= orders
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(servers[0].instance), "SECRET_KEY": "x"})
    with app.app_context():
        stored = {r.uuid: r.state for r in db.session.scalars(select(Report))}
        db.engine.dispose()
    assert set(stored) == set(sent) and set(stored.values()) == {"received"}
