"""Sync benchmark: push throughput against a trivial endpoint of the same app, pull bytes per order.

Runs gunicorn on a fresh database (SQLite, then PostgreSQL when one answers), drives it with
HTTP clients in threads, and prints a table. Push throughput is reports per second when the tablet
sends its outbox in calls of 50 (each report still its own transaction), compared with requests per
second of GET /api/v1/ping; one report per call is printed too. Targets: push ≥ 0.8× ping
on SQLite, ≥ 0.6× on PostgreSQL (issue 14); pull ≤ 1.5 KB gzipped per order. Exit status 1 when one is missed.
"""
import gzip
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.api.sync_world_sql import auth, build_world  # noqa: E402
from tests.databases import PgDatabases, pg_server_url, pg_unavailable_reason  # noqa: E402
from tests.live_server import free_port  # noqa: E402
from tests.unit.sync_world import ALICE, reading_report  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", 8))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 4))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
TARGETS = {"sqlite": 0.8, "postgresql": 0.6}  # issue 14 (issue 4 asked 0.6 and 0.4)
PULL_TARGET_BYTES = 1536
VENV_BIN = Path(sys.executable).parent


def prepare(url: str, instance: Path, orders: int) -> None:
    from server import create_app
    from server.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        build_world(with_office=True)
        add_orders(orders)
        db.session.remove()
        db.engine.dispose()


def add_orders(count: int) -> None:
    """A realistic day: `count` more READING orders for Alice, each on its own premises and meter."""
    import random
    from datetime import date, timedelta

    from server.extensions import db
    from server.models import DeliveryPoint, Meter, Order, Reading
    from server.services.base.counters import next_value
    rng = random.Random(4)
    streets = ["rue des Tilleuls", "avenue de Fumel", "chemin du Lavoir", "place du Marché", "rue Victor-Hugo",
               "allée des Acacias", "boulevard de la Marine", "impasse des Vignes", "route de Bordeaux"]
    for i in range(count):
        point = DeliveryPoint(ref=f"PDSB{i:07d}", commune_id=1, address=f"{rng.randint(1, 180)} {rng.choice(streets)}",
                              lat=44.40 + rng.random() / 50, lon=0.70 + rng.random() / 50, kind="water",
                              individual_house=rng.random() < 0.6,
                              access_notes=rng.choice([None, "Compteur au sous-sol, clé chez le gardien.",
                                                       "Regard devant le portail, chien dans la cour."]))
        db.session.add(point)
        db.session.flush()
        meter = Meter(serial=f"WB{rng.randint(10, 24)}-{i:06d}", delivery_point_id=point.id, dials=5)
        db.session.add(meter)
        db.session.flush()
        last = date(2026, 1, 1) - timedelta(days=rng.randint(30, 400))
        index = rng.randint(100, 90000)
        db.session.add(Reading(meter_id=meter.id, read_on=last - timedelta(days=180), index=index - 60, source="agent"))
        db.session.add(Reading(meter_id=meter.id, read_on=last, index=index, source="agent", billed=True))
        db.session.add(Order(ref=f"AT-B{i:06d}", type="READING", state="assigned", delivery_point_id=point.id,
                             meter_id=meter.id, assignee_id=ALICE, round_position=10 + i, version=1,
                             planned_date=date(2026, 3, 2), travel_fee=rng.random() < 0.5,
                             instructions=rng.choice([None, "Relevé contradictoire demandé par le client."]),
                             change_seq=next_value("orders")))
    db.session.commit()


class Server:
    def __init__(self, url: str, instance: Path):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=url, TOURNEE_INSTANCE=str(instance), SECRET_KEY="bench")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-w", WORKERS, "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "server:create_app()"], env=env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if call(self.port, "GET", "/api/v1/ping")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)


def call(port, method, path, body=None, headers=None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def rate(port: int, make_request, seconds: float = SECONDS) -> float:
    """Requests per second over `seconds` with CLIENTS threads (fresh connection each time, as gunicorn's
    sync workers close them anyway)."""
    stop, counts, errors = threading.Event(), [0] * CLIENTS, []

    def worker(i):
        n = 0
        while not stop.is_set():
            method, path, body, headers = make_request(i, n)
            status, raw = call(port, method, path, body, headers)
            if status != 200:
                errors.append((status, raw[:200]))
            n += 1
        counts[i] = n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    start = time.monotonic()
    [t.start() for t in threads]
    time.sleep(seconds)
    stop.set()
    [t.join() for t in threads]
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
    return sum(counts) / (time.monotonic() - start)


def interleaved(port: int, makers: dict, slices: int = 4) -> list[float]:
    """Each rate measured in short slices taken in turn, so that a machine whose load changes during
    the run weighs on all of them alike (the ratios are what the targets are about)."""
    totals = {name: 0.0 for name in makers}
    for _ in range(slices):
        for name, make in makers.items():
            totals[name] += rate(port, make, SECONDS / slices)
    return [totals[name] / slices for name in makers]


def push_request(batch: int):
    headers = {**auth(ALICE), "Content-Type": "application/json"}

    def make(i, n):
        reports = []
        for k in range(batch):  # no blobs: "absent" needs only a remark and a reason
            reports.append(reading_report(uuid=str(uuid.uuid4()), device_seq=n * batch + k + 1, attachments=[],
                                          outcome="absent", reason_code="nobody",
                                          answers={"remarks": "Personne sur place, avis de passage déposé."}))
        # bytes, so http.client sends headers and body in one segment (no Nagle/delayed-ACK stall)
        return "POST", "/api/v1/sync/push", json.dumps({"reports": reports}).encode(), headers
    return make


def pull_bytes_per_order(port: int) -> tuple[int, float]:
    """A technician's whole day pulled from scratch, forms excluded (sent once per version)."""
    status, raw = call(port, "GET", "/api/v1/sync/pull?limit=500", headers=auth(ALICE))
    page = json.loads(raw)
    orders_only = {**page, "forms": []}
    size = len(gzip.compress(json.dumps(orders_only, separators=(",", ":")).encode()))
    return len(page["orders"]), size / max(1, len(page["orders"]))


def bench(backend: str, url: str) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-"))
    prepare(url, instance, orders=40)
    server = Server(url, instance)
    try:
        ping, push1, push50 = interleaved(server.port, {
            "ping": lambda i, n: ("GET", "/api/v1/ping", None, {}),
            "push1": push_request(1), "push50": push_request(50)})
        push50 *= 50
        orders, per_order = pull_bytes_per_order(server.port)
    finally:
        server.stop()
    return {"backend": backend, "ping": ping, "push": push1, "single_ratio": push1 / ping, "batch_reports": push50,
            "ratio": push50 / ping, "orders": orders, "pull_bytes": per_order}


def main() -> int:
    runs = [("sqlite", lambda: f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")]
    pg = None
    if not pg_unavailable_reason():
        pg = PgDatabases(pg_server_url())
        runs.append(("postgresql", lambda: pg.create()[1]))
    results, ok = [], True
    try:
        for backend, make_url in runs:
            results.append(bench(backend, make_url()))
    finally:
        if pg:
            pg.drop_all()
    print(f"{'backend':<11} {'ping req/s':>10} {'push50 rep/s':>12} {'ratio':>6} {'target':>6} "
          f"{'push1 req/s':>11} {'ratio1':>6} {'pull B/order':>12}")
    for r in results:
        target = TARGETS[r["backend"]]
        ok &= r["ratio"] >= target and r["pull_bytes"] <= PULL_TARGET_BYTES
        print(f"{r['backend']:<11} {r['ping']:>10.0f} {r['batch_reports']:>12.0f} {r['ratio']:>6.2f} {target:>6.1f} "
              f"{r['push']:>11.0f} {r['single_ratio']:>6.2f} {r['pull_bytes']:>12.0f}")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
