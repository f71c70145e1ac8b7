"""The same report pushed by 8 threads at once is stored once: the UNIQUE constraint decides."""
import threading

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import QuarantinedReport, Report
from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_golden import blob_file
from tests.unit.sync_golden import photo_report as golden_report
from tests.unit.sync_world import ALICE

THREADS = 8


@pytest.fixture
def client(app):
    with app.app_context():
        build_world(with_office=False)
    client = app.test_client()
    for name in ("dials.png", "signature.png"):
        data, sha = blob_file(name)
        assert client.put(f"/api/v1/blobs/{sha}", data=data, content_type="image/png",
                          headers=auth(ALICE)).status_code == 201
    return client


def race(app, bodies: list) -> list[dict]:
    """Push each body from its own thread, all released at the same instant."""
    barrier, results = threading.Barrier(len(bodies)), [None] * len(bodies)

    def worker(i):
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/sync/push", json={"reports": [bodies[i]]}, headers=auth(ALICE))
        results[i] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(bodies))]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    return results


def photo_report(**overrides):
    return golden_report("6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5a", 101, "dials.png", **overrides)


def test_same_uuid_from_eight_threads_is_one_row(app, client):
    results = race(app, [photo_report()] * THREADS)
    assert all(code == 200 for code, _ in results), results
    statuses = sorted(body["results"][0]["status"] for _, body in results)
    assert statuses == ["applied"] + ["duplicate"] * (THREADS - 1)
    assert len({body["results"][0]["report_id"] for _, body in results}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_same_uuid_different_contents_at_once_one_wins_the_others_aside(app, client):
    bodies = [photo_report(device_seq=i + 1) for i in range(THREADS)]
    results = race(app, bodies)
    statuses = sorted(body["results"][0]["status"] for _, body in results)
    assert statuses == ["applied"] + ["mismatch"] * (THREADS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1
        assert db.session.scalar(select(func.count()).select_from(QuarantinedReport)) == THREADS - 1
