"""The same report pushed by 8 threads at once is stored once: the UNIQUE constraint decides."""
import threading
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.errors import DomainError
from server.models import Order, QuarantinedReport, Report, User
from server.services.base.counters import next_value
from server.services.field import dispatch
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


EXTRA_ORDERS = 16


@pytest.fixture
def busy_world(app):
    """The sync world with 16 more orders of Alice's on the premises of order 101."""
    with app.app_context():
        build_world(with_office=True)
        template = db.session.get(Order, 101)
        ids = []
        for i in range(EXTRA_ORDERS):
            order = Order(ref=f"AT-BUSY-{i:03d}", type="READING", state="assigned", version=1,
                          delivery_point_id=template.delivery_point_id, meter_id=template.meter_id,
                          assignee_id=ALICE, planned_date=template.planned_date, round_position=10 + i,
                          change_seq=next_value("orders"))
            db.session.add(order)
            db.session.flush()
            ids.append(order.id)
        db.session.commit()
    client = app.test_client()
    for name in ("dials.png", "signature.png"):
        data, sha = blob_file(name)
        assert client.put(f"/api/v1/blobs/{sha}", data=data, content_type="image/png",
                          headers=auth(ALICE)).status_code == 201
    return app, ids


def test_overlapping_pushes_of_one_technician_while_the_chief_reassigns(busy_world):
    """PostgreSQL's deadlock between UPDATE orders and the counters row, gone: 8 pushes of Alice's at once, each a batch over the same orders in another order, while the chief
    reorders and reassigns those orders: every request answers, no deadlock, every report stored once."""
    app, ids = busy_world
    batches = []
    for i in range(THREADS):
        chosen = ids[i % 4::2] if i % 2 else list(reversed(ids[i % 4::2]))
        batches.append([{**golden_report(str(uuid.uuid4()), 101, "dials.png", device_seq=i * 100 + k + 1),
                         "order_id": order_id} for k, order_id in enumerate(chosen)])
    barrier, errors, results = threading.Barrier(THREADS + 1), [], [None] * THREADS

    def push(i):
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/sync/push", json={"reports": batches[i]}, headers=auth(ALICE))
        results[i] = response.status_code

    def chief():
        with app.app_context():
            boss = db.session.scalar(select(User).where(User.login == "chef.dupont"))
            barrier.wait()
            for rounds in range(3):
                for order_id in (ids if rounds % 2 else list(reversed(ids))):
                    try:
                        dispatch.assign(order_id, ALICE, chief=boss, now=datetime.now(timezone.utc))
                    except DomainError:  # already reported: no longer reassignable, a refusal, not an error
                        db.session.rollback()
                    except Exception as err:  # a deadlock or any database error
                        errors.append(repr(err))
                        db.session.rollback()

    threads = [threading.Thread(target=push, args=(i,)) for i in range(THREADS)] + [threading.Thread(target=chief)]
    [t.start() for t in threads]
    [t.join(timeout=120) for t in threads]
    assert results == [200] * THREADS and errors == []
    with app.app_context():
        stored = set(db.session.scalars(select(Report.uuid)))
        assert stored == {r["uuid"] for batch in batches for r in batch}
        assert db.session.scalar(select(func.count()).select_from(Order).where(
            Order.id.in_(ids), Order.state == "assigned")) == 0  # every order took its report in
