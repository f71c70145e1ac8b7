"""A backup taken while a tablet keeps pushing, restored on a fresh instance and verified: every report
acknowledged before the backup began is there with its photos, every seal still verifies (SQLite and
PostgreSQL)."""
import hashlib
import http.client
import io
import json
import os
import subprocess
import threading
import time
import uuid as uuidlib
from datetime import datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import Report, User
from server.services.review.reports import countersign_report
from tests.api.sync_world_sql import auth, build_world
from tests.live_server import VENV_BIN, LiveServer, prepare_database
from tests.unit.sync_world import ALICE, GOLDEN, reading_report

pytestmark = pytest.mark.fault
STREAM_LIMIT = 400  # reports; the stream stops earlier once the backup is restored
SIGNATURE = (GOLDEN / "blobs" / "signature.png").read_bytes()
SIGNATURE_SHA = hashlib.sha256(SIGNATURE).hexdigest()


def photo(i: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (i % 256, i // 256, 99)).save(out, "PNG")
    return out.getvalue()


class PushStream:
    """One tablet pushing report after report (photo first), noting each acknowledgement."""

    def __init__(self, port: int):
        self.port, self.acknowledged, self.stop = port, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def request(self, method, path, body, content_type):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers={**auth(ALICE), "Content-Type": content_type})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def run(self):
        assert self.request("PUT", f"/api/v1/blobs/{SIGNATURE_SHA}", SIGNATURE, "image/png")[0] in (200, 201)
        for i in range(STREAM_LIMIT):
            if self.stop.is_set():
                return
            data = photo(i)
            sha = hashlib.sha256(data).hexdigest()
            assert self.request("PUT", f"/api/v1/blobs/{sha}", data, "image/png")[0] in (200, 201)
            report = reading_report(uuid=str(uuidlib.uuid4()), index=1205 + i % 40, photo=sha,
                                    signature=SIGNATURE_SHA, device_seq=i + 1)
            report["attachments"][0].update(content_type="image/png", size=len(data))
            report["attachments"][1].update(size=len(SIGNATURE))
            status, raw = self.request("POST", "/api/v1/sync/push", json.dumps({"reports": [report]}).encode(),
                                       "application/json")
            assert status == 200, raw
            result = json.loads(raw)["results"][0]
            assert result["status"] == "applied", result
            self.acknowledged.append(result["uuid"])


def tournee(instance, url, *args):
    env = dict(os.environ, TOURNEE_INSTANCE=str(instance), DATABASE_URL=url, SECRET_KEY="live-test-secret")
    done = subprocess.run([str(VENV_BIN / "tournee"), *args], env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def countersign_first(app, count: int) -> int:
    """A chief countersigns the first reports received, so the backup carries seals to verify."""
    with app.app_context():
        chief = db.session.scalar(select(User).where(User.login == "chef.dupont"))
        db.session.get(User, ALICE).chief_id = chief.id
        db.session.commit()
        reports = db.session.scalars(select(Report).order_by(Report.id).limit(count)).all()
        for report in reports:
            countersign_report(report.id, chief=chief, now=datetime.now(timezone.utc),
                               signature={"sha256": None, "signer_name": "Claire Dupont", "strokes": [[[5, 5], [60, 30]]]})
        db.session.remove()
        db.engine.dispose()
        return len(reports)


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    """(source URL, empty target URL) on the backend."""
    if request.param == "sqlite":
        yield None, f"sqlite:///{tmp_path / 'restored' / 'tournee.sqlite3'}"
        return
    pg = request.getfixturevalue("pg_databases")
    (source, source_url), (target, target_url) = pg.create(), pg.create()
    yield source_url, target_url
    pg.drop(source)
    pg.drop(target)


def test_backup_during_pushes_restores_every_acknowledged_report(tmp_path, databases):
    source_url, target_url = databases
    instance, restored = tmp_path / "instance", tmp_path / "restored"
    instance.mkdir()
    restored.mkdir()
    url = prepare_database(instance, source_url, with_demo=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    with app.app_context():
        build_world()
        db.engine.dispose()
    server = LiveServer(instance, url).start(timeout=90)
    stream = PushStream(server.port)
    try:
        stream.thread.start()
        deadline = time.monotonic() + 60
        while len(stream.acknowledged) < 20 and time.monotonic() < deadline and stream.thread.is_alive():
            time.sleep(0.05)
        assert len(stream.acknowledged) >= 20, server.log.read_text()[-2000:]
        sealed = countersign_first(app, 5)
        acknowledged_before = list(stream.acknowledged)
        code, out = tournee(instance, url, "backup", str(tmp_path / "backup"))
        assert code == 0, out
        after_backup = len(stream.acknowledged)
        time.sleep(0.5)
    finally:
        stream.stop.set()
        stream.thread.join(60)
        server.stop()
    assert len(stream.acknowledged) > after_backup > len(acknowledged_before), "pushes did not go on during the backup"

    code, out = tournee(restored, target_url, "restore", str(tmp_path / "backup"))
    assert code == 0, out
    assert f"Sceaux vérifiés : {sealed}, rompus : 0" in out and "Vérification réussie." in out, out
    code, out = tournee(restored, target_url, "verify")
    assert code == 0 and "absents : 0, abîmés : 0" in out, out

    check = create_app({"SQLALCHEMY_DATABASE_URI": target_url, "INSTANCE_PATH": str(restored), "SECRET_KEY": "x"})
    with check.app_context():
        rows = dict(db.session.execute(select(Report.uuid, Report.content)).all())
        db.engine.dispose()
    assert set(acknowledged_before) <= set(rows)
    for uuid in acknowledged_before:
        for attachment in rows[uuid]["attachments"]:
            blob = restored / "blobs" / attachment["sha256"][:2] / attachment["sha256"]
            assert hashlib.sha256(blob.read_bytes()).hexdigest() == attachment["sha256"]


def test_restore_refuses_an_instance_that_holds_data(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    url = prepare_database(instance, with_demo=True)
    code, out = tournee(instance, url, "backup", str(tmp_path / "backup"))
    assert code == 0, out
    code, out = tournee(instance, url, "restore", str(tmp_path / "backup"))
    assert code != 0 and "n'est pas vide" in out
