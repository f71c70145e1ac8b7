"""PostgreSQL cut from under a live server (through a TCP switch, the machine's server untouched) while
a tablet pushes and an office user works: the tablet gets 503 with Retry-After, never a 500, resends,
and every report arrives exactly once; the office gets a French "service momentanément indisponible"
page; the server reconnects by itself (pool pre-ping). SQLite has no connection to lose."""
import hashlib
import http.client
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid as uuidlib
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from server import create_app
from server.extensions import db
from server.models import Report
from tests.api.sync_world_sql import PASSWORD, auth, build_world
from tests.fault.tcp_switch import TcpSwitch
from tests.fault.test_fault_backup import SIGNATURE, SIGNATURE_SHA, photo
from tests.live_server import LiveServer, prepare_database
from tests.unit.sync_world import ALICE, reading_report

pytestmark = pytest.mark.fault
REPORTS = 60
CUTS = 2
DEADLINE_SECONDS = 120


class Tablet:
    def __init__(self, port: int):
        self.port, self.statuses, self.retry_after = port, Counter(), set()

    def send(self, method, path, body, content_type) -> tuple[int | None, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers={**auth(ALICE), "Content-Type": content_type})
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            return None, b""
        finally:
            conn.close()
        self.statuses[response.status] += 1
        if response.status == 503:
            self.retry_after.add(response.headers.get("Retry-After"))
            assert json.loads(raw)["error"] == "service_unavailable"
        return response.status, raw

    def until_done(self, method, path, body, content_type, deadline) -> bytes:
        """Resend after a 503 (the real tablet waits Retry-After with backoff; the test waits less)."""
        while time.monotonic() < deadline:
            status, raw = self.send(method, path, body, content_type)
            if status in (200, 201):
                return raw
            assert status in (None, 503), (status, raw)
            time.sleep(0.2)
        raise AssertionError("never accepted")

    def push_all(self, acknowledged: list, deadline: float) -> None:
        self.until_done("PUT", f"/api/v1/blobs/{SIGNATURE_SHA}", SIGNATURE, "image/png", deadline)
        for i in range(REPORTS):
            data = photo(i)
            sha = hashlib.sha256(data).hexdigest()
            self.until_done("PUT", f"/api/v1/blobs/{sha}", data, "image/png", deadline)
            report = reading_report(uuid=str(uuidlib.UUID(int=i + 1, version=4)), index=1205 + i % 40, photo=sha,
                                    signature=SIGNATURE_SHA, device_seq=i + 1)
            report["attachments"][0].update(content_type="image/png", size=len(data))
            report["attachments"][1].update(size=len(SIGNATURE))
            raw = self.until_done("POST", "/api/v1/sync/push", json.dumps({"reports": [report]}).encode(),
                                  "application/json", deadline)
            result = json.loads(raw)["results"][0]
            assert result["status"] in ("applied", "duplicate"), result
            acknowledged.append(result["uuid"])


def office_opener(base: str):
    """Signed in as the chief through the real form (CSRF token included)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "login": "chef.dupont", "password": PASSWORD}).encode()
    opener.open(base + "/login", data=form, timeout=10)
    return opener


def office_get(opener, url: str) -> tuple[int, str, dict]:
    try:
        with opener.open(url, timeout=20) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


def metrics_during_cut(base: str) -> str:
    request = urllib.request.Request(base + "/metrics", headers={"Authorization": "Bearer scrape-token"})
    with urllib.request.urlopen(request, timeout=20) as answer:
        return answer.read().decode()


@pytest.fixture
def behind_switch(tmp_path, pg_databases):
    name, url = pg_databases.create()
    instance = tmp_path / "instance"
    instance.mkdir()
    prepare_database(instance, url, with_demo=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    with app.app_context():
        build_world()
        db.engine.dispose()
    parsed = sa.engine.make_url(url)
    switch = TcpSwitch(parsed.port or 5432, parsed.host)
    server = LiveServer(instance, parsed.set(port=switch.port).render_as_string(hide_password=False),
                        env={"TOURNEE_TICK_INTERVAL": "0", "TOURNEE_METRICS_TOKEN": "scrape-token"}).start(timeout=90)
    yield server, switch, app
    server.stop()
    switch.close()
    pg_databases.drop(name)


def test_database_cut_during_pushes_and_office_work_gives_503_then_everything_arrives_once(behind_switch):
    server, switch, app = behind_switch
    office = office_opener(server.url)
    assert office_get(office, server.url + "/")[0] == 200
    tablet, acknowledged, pages, scrapes = Tablet(server.port), [], [], []
    deadline = time.monotonic() + DEADLINE_SECONDS
    pusher = threading.Thread(target=tablet.push_all, args=(acknowledged, deadline), daemon=True)
    pusher.start()
    for cut in range(CUTS):
        wait_until = time.monotonic() + 30
        while len(acknowledged) < (cut + 1) * 10 and time.monotonic() < wait_until:
            time.sleep(0.05)
        switch.cut()
        time.sleep(0.5)
        pages.append(office_get(office, server.url + "/"))
        scrapes.append(metrics_during_cut(server.url))
        time.sleep(1.5)
        switch.restore()
    pusher.join(DEADLINE_SECONDS)
    assert not pusher.is_alive()
    assert len(acknowledged) == REPORTS, tablet.statuses
    assert tablet.statuses[500] == 0 and tablet.statuses[503] > 0, tablet.statuses
    assert tablet.retry_after == {"10"}
    for status, body, headers in pages:
        assert status == 503 and headers.get("Retry-After") == "10"
        assert "Service momentanément indisponible" in body
    assert office_get(office, server.url + "/")[0] == 200  # reconnected by itself
    for scrape in scrapes:  # metrics read during the outage: served, the database said down
        assert "tournee_database_up 0.0" in scrape and "tournee_http_responses_total" in scrape
    assert any('status="503"' in scrape for scrape in scrapes)
    log = server.log.read_text()
    assert "Traceback" not in log
    access = "\n".join(line for line in log.splitlines() if line.startswith("{"))
    pushes = [json.loads(line) for line in access.splitlines() if '"/api/v1/sync/push"' in line]
    assert len(pushes) >= REPORTS and all(p["request_id"] for p in pushes)  # JSON access log
    assert all(p.get("device_id") == 70 for p in pushes if p["status"] == 200)
    assert {p["status"] for p in pushes} <= {200, 503} and "golden-token" not in access
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == REPORTS
        assert db.session.scalar(select(func.count(func.distinct(Report.uuid)))) == REPORTS
        db.engine.dispose()
