"""The product as `tournee serve` runs it (gunicorn, the production WSGI server): photos and report
PDFs are served whole, an oversized upload is refused from its declared length (Expect: 100-continue)."""
import hashlib
import http.cookiejar
import json
import re
import socket
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from server import create_app
from server.blobs import DiskBlobStore
from server.extensions import db
from server.models import Device, Order, User
from server.services.field.devices import hash_token
from tests.live_server import LiveServer, prepare_database
from tests.review_reports import store_report
from tests.unit.sync_world import GOLDEN

PNG = (GOLDEN / "blobs" / "dials.png").read_bytes()
TOKEN = "live-gunicorn-device-token"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    instance = tmp_path_factory.mktemp("gunicorn")
    url = prepare_database(instance)
    sha = hashlib.sha256(PNG).hexdigest()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    with app.app_context():
        DiskBlobStore(instance / "blobs", 10**7).save(sha, __import__("io").BytesIO(PNG))
        order = db.session.scalars(select(Order).where(Order.assignee_id.is_not(None)).order_by(Order.id)).first()
        report = store_report(order, photo=sha)
        db.session.add(Device(user_id=order.assignee_id, name="Tablette", token_hash=hash_token(TOKEN)))
        db.session.commit()
        utility = order.point.commune.utility
        report_id = report.id
        db.engine.dispose()
    server = LiveServer(instance, url, env={"TOURNEE_BLOB_MAX_BYTES": "100000"}).start(timeout=90)
    yield server, report_id, sha, "agent.eau" if utility == "water" else "agent.elec"
    server.stop()


def _signed_in(server, login):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(server.url + "/login").read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "login": login, "password": "tournee2026"}).encode()
    opener.open(server.url + "/login", data=form)
    return opener


def test_a_photo_and_the_report_pdf_are_served_whole_by_gunicorn(served):
    server, report_id, sha, login = served
    office = _signed_in(server, login)
    with office.open(f"{server.url}/reports/{report_id}/blobs/{sha}") as answer:
        assert answer.status == 200 and answer.headers["Content-Type"] == "image/png"
        assert answer.headers["Server"].startswith("gunicorn")
        assert answer.read() == PNG
    with office.open(f"{server.url}/reports/{report_id}/pdf") as answer:
        body = answer.read()
        assert answer.status == 200 and body.startswith(b"%PDF") and len(body) > 1000


def test_an_upload_over_the_limit_is_refused_before_its_body_is_sent(served):
    server, _, _, _ = served
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall((f"PUT /api/v1/blobs/{'a' * 64} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Authorization: Bearer {TOKEN}\r\nContent-Type: image/jpeg\r\n"
                      f"Content-Length: 100001\r\nExpect: 100-continue\r\n\r\n").encode())
        answer = b""
        while b"payload_too_large" not in answer and len(answer) < 10_000:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert b" 413 " in answer and b"payload_too_large" in answer  # heard without sending one byte of body


def test_an_upload_of_exactly_the_limit_is_stored_by_gunicorn(served):
    """gunicorn ends its input stream at the body's end: reading there must not be taken for a body
    over the limit (Werkzeug refuses a read past a maximum it has reached)."""
    server, _, _, _ = served
    photo = (GOLDEN / "blobs" / "meter-gps.jpg").read_bytes()
    photo += bytes(100_000 - len(photo))  # a valid JPEG, padded after its end to the server's limit
    sha = hashlib.sha256(photo).hexdigest()
    request = urllib.request.Request(f"{server.url}/api/v1/blobs/{sha}", data=photo, method="PUT", headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "image/jpeg"})
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 201
        assert json.loads(answer.read()) == {"sha256": sha, "size": 100_000}
