"""1,000 reports with their photos through a hostile network and a server killed mid-flight:
at the end every report and every blob is on the server exactly once, byte for byte."""
import hashlib
import http.client
import io
import json
import random
import sqlite3
import threading
import time
import uuid as uuidlib

import pytest
from PIL import Image

from server import create_app
from server.extensions import db
from tests.api.sync_world_sql import auth, build_world
from tests.fault.proxy import FaultyProxy
from tests.live_server import LiveServer, prepare_database
from tests.unit.sync_world import ALICE, GOLDEN, reading_report

pytestmark = pytest.mark.fault
REPORTS = 1000
BATCH = 50
KILLS = 4
DEADLINE_SECONDS = 150
ACKNOWLEDGED = ("applied", "duplicate", "conflict")


def photo(i: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (i % 256, i // 256, 77)).save(out, "PNG")
    return out.getvalue()


def outbox_of(rng: random.Random) -> tuple[dict, dict]:
    """1,000 READING reports on order 101, each with its own photo and the technician's signature:
    (reports by uuid, blobs by hash)."""
    signature = (GOLDEN / "blobs" / "signature.png").read_bytes()
    signature_sha = hashlib.sha256(signature).hexdigest()
    reports, blobs = {}, {signature_sha: signature}
    for i in range(REPORTS):
        data = photo(i)
        sha = hashlib.sha256(data).hexdigest()
        uid = str(uuidlib.UUID(bytes=rng.randbytes(16), version=4))
        report = reading_report(uuid=uid, index=1205 + i % 40, photo=sha, signature=signature_sha, device_seq=i + 1)
        report["attachments"][0].update(content_type="image/png", size=len(data))
        report["attachments"][1].update(size=len(signature))
        reports[uid], blobs[sha] = report, data
    return reports, blobs


class Tablet:
    """The tablet's outbox rules: blobs first, clear only on acknowledgement, retry with backoff."""

    def __init__(self, port: int, reports: dict, blobs: dict):
        self.port, self.outbox, self.blobs = port, dict(reports), blobs
        self.uploaded: set[str] = set()
        self.failures = 0

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers={**auth(ALICE), "Connection": "close", **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.failures += 1
            return None, b""
        finally:
            conn.close()

    def upload(self, sha: str) -> None:
        status, _ = self.request("PUT", f"/api/v1/blobs/{sha}", self.blobs[sha], {"Content-Type": "image/png"})
        assert status in (None, 200, 201, 400, 500, 502, 503), status
        if status in (200, 201):
            self.uploaded.add(sha)

    def push(self, batch: list[dict]) -> None:
        body = json.dumps({"reports": batch}).encode()
        status, raw = self.request("POST", "/api/v1/sync/push", body, {"Content-Type": "application/json"})
        if status != 200:
            time.sleep(0.05)
            return
        for result in json.loads(raw)["results"]:
            assert result["status"] not in ("rejected", "mismatch"), result
            if result["status"] in ACKNOWLEDGED:
                self.outbox.pop(result["uuid"], None)
            else:
                self.uploaded.difference_update(result.get("missing_blobs", []))

    def sync_until_empty(self, deadline: float) -> None:
        while self.outbox and time.monotonic() < deadline:
            batch = list(self.outbox.values())[:BATCH]
            for report in batch:
                for attachment in report["attachments"]:
                    if attachment["sha256"] not in self.uploaded:
                        self.upload(attachment["sha256"])
            self.push(batch)


@pytest.fixture
def live(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    url = prepare_database(instance, with_demo=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    with app.app_context():
        build_world(with_office=False)
        db.engine.dispose()
    server = LiveServer(instance, url).start(timeout=90)
    yield server
    server.stop()


def killer(server: LiveServer, stop: threading.Event, kills: list) -> None:
    """Kill -9 the server a few times while the tablet syncs, restarting it each time."""
    rng = random.Random(3)
    while len(kills) < KILLS and not stop.wait(rng.uniform(0.5, 1.5)):  # several kills before the outbox empties
        server.stop(kill=True)
        kills.append(time.monotonic())
        server.start(timeout=90)


def test_thousand_reports_arrive_exactly_once_through_faults_and_kills(live):
    reports, blobs = outbox_of(random.Random(2026))
    proxy = FaultyProxy(live.port, seed=7)
    tablet = Tablet(proxy.port, reports, blobs)
    stop, kills = threading.Event(), []
    chaos = threading.Thread(target=killer, args=(live, stop, kills), daemon=True)
    chaos.start()
    try:
        tablet.sync_until_empty(time.monotonic() + DEADLINE_SECONDS)
    finally:
        stop.set()
        chaos.join(60)
        proxy.close()
    assert tablet.outbox == {}, f"{len(tablet.outbox)} reports never acknowledged"
    assert len(kills) >= 3 and all(proxy.seen[f] > 5 for f in ("drop_response", "cut_request", "duplicate"))

    database = sqlite3.connect(live.instance / "tournee.sqlite3")
    rows = database.execute("SELECT uuid, content FROM reports").fetchall()
    database.close()
    assert len(rows) == REPORTS and {u for u, _ in rows} == set(reports)
    assert all(json.loads(content) == reports[u] for u, content in rows)
    blob_dir = live.instance / "blobs"
    files = {p.name: p for p in blob_dir.glob("??/*")}
    assert set(files) == set(blobs)
    assert all(files[sha].read_bytes() == data for sha, data in blobs.items())
