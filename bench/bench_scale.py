"""Scale benchmark (issue 14): office pages and searches on a large generated database.

For each (backend, points): a fresh database, migrations, the demo data, `tournee generate`'s points and
activity (dossiers, 1,000 orders today over the technicians, 50,000 reports in every state, most waiting),
then, in-process through the Flask test client (view, queries, rendering; no network):
  - customer search by name, meter serial, contract number, customer reference (median of runs);
  - every paged list: /reports (50,000 waiting), /dispatch (1,000 orders today), /dossiers, /orders,
    /tasks, /invoices, /invoices/transfers, /devices;
  - a technician's pull right after generate (statistics fresh);
  - a 15 MB blob upload: memory growth of the Python heap, speed against a plain file copy.
Goals: search ≤ 150 ms on PostgreSQL (≤ 1.5× its 10 k time at 1 M when both run), SQLite usable at
100 k (≤ 300 ms); lists ≤ 300 ms; upload < 16 MB growth and ≥ 0.5× copy. Exit 1 when one is missed.

  .venv/bin/python bench/bench_scale.py                      # PostgreSQL 10 k, SQLite 100 k
  BENCH_SCALE=postgresql:10000,postgresql:1000000 .venv/bin/python bench/bench_scale.py
"""
import hashlib
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import PgDatabases, pg_server_url, pg_unavailable_reason  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 7))
LIST_GOAL_MS, SEARCH_GOAL_MS, SQLITE_SEARCH_GOAL_MS = 300, 150, 300
LISTS = {"reports": ("agent.eau", "/reports"), "dispatch": ("chef.eau", "/dispatch"),
         "dossiers": ("agent.eau", "/dossiers"), "orders": ("agent.eau", "/orders"),
         "tasks": ("agent.eau", "/tasks"), "invoices": ("agent.eau", "/invoices"),
         "transfers": ("agent.eau", "/invoices/transfers"), "devices": ("chef.eau", "/devices")}


def timed(fn, runs=RUNS) -> float:
    """Median milliseconds of `runs` calls after one warm-up."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def build(url: str, instance: Path, points: int) -> float:
    from flask_migrate import upgrade
    from server import create_app
    from server.extensions import db
    from server.services.base.activity_seeding import generate_activity
    from server.services.base.seeding import generate_points, load_demo
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"})
    start = time.perf_counter()
    with app.app_context():
        upgrade()
        load_demo(date.today())
        generate_points(points, date.today())
        generate_activity(date.today(), dossiers=max(points // 100, 200), orders_today=1000, reports=50_000,
                          technicians=40)
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - start


def signed_in(app, login):
    from tests.conftest import sign_in
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def search_queries(app) -> dict:
    from sqlalchemy import select
    from server.extensions import db
    from server.models import Contract, Customer, Meter
    with app.app_context():
        customer = db.session.scalars(select(Customer).order_by(Customer.id.desc()).limit(1)).first()
        contract = db.session.scalars(select(Contract).order_by(Contract.id.desc()).limit(1)).first()
        meter = db.session.scalars(select(Meter).order_by(Meter.id.desc()).limit(1)).first()
        return {"name": customer.last_name, "meter serial": meter.serial, "contract": contract.number,
                "reference": customer.ref}


def measure(url: str, instance: Path) -> dict:
    from server import create_app
    from server.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": True})
    out = {}
    agent = signed_in(app, "admin")  # the admin sees both utilities: the last generated customer may be either
    for label, query in search_queries(app).items():
        def search(q=query):
            answer = agent.get("/customers", query_string={"q": q})
            assert answer.status_code == 200 and "/customers/" in answer.get_data(as_text=True), q
        out[f"search {label}"] = timed(search)
    clients = {}
    for label, (login, path) in LISTS.items():
        client = clients.setdefault(login, signed_in(app, login))

        def page(p=path, c=client):
            answer = c.get(p)
            assert answer.status_code == 200, (p, answer.status_code)
            return answer
        out[f"list {label}"] = timed(page)
        if label == "reports":
            html = page().get_data(as_text=True)
            out["reports rows on page 1"] = len(re.findall(r'data-report="', html))
    with app.app_context():
        db.engine.dispose()
    return out


def blob_upload(tmp: Path) -> dict:
    from server.blobs import DiskBlobStore
    photo = (ROOT / "fixtures" / "sync" / "blobs" / "meter-gps.jpg").read_bytes()
    photo += bytes(15 * 1024 * 1024 - len(photo))
    source = tmp / "photo.jpg"
    source.write_bytes(photo)
    name = hashlib.sha256(photo).hexdigest()
    store = DiskBlobStore(tmp / "blobs", 16 * 1024 * 1024)
    tracemalloc.start()
    start = time.perf_counter()
    with open(source, "rb") as body:
        store.save(name, body)
    upload_s = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    start = time.perf_counter()
    shutil.copyfile(source, tmp / "copy.jpg")
    copy_s = time.perf_counter() - start
    return {"upload growth MB": peak / 1024 / 1024, "upload speed vs copy": copy_s / upload_s}


def run_one(backend: str, points: int, pg: PgDatabases | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-scale-{backend}-"))
    name = None
    if backend == "postgresql":
        name, url = pg.create()
    else:
        url = f"sqlite:///{tmp / 'scale.sqlite3'}"
    try:
        built = build(url, tmp, points)
        figures = {"build s": built, **measure(url, tmp)}
    finally:
        if name:
            pg.drop(name)
        shutil.rmtree(tmp, ignore_errors=True)
    return figures


def verdicts(backend: str, points: int, figures: dict, baseline: dict | None) -> list[str]:
    missed = []
    for key, value in figures.items():
        if key.startswith("list ") and value > LIST_GOAL_MS:
            missed.append(f"{key} {value:.0f} ms > {LIST_GOAL_MS}")
        if key.startswith("search "):
            goal = SEARCH_GOAL_MS if backend == "postgresql" else SQLITE_SEARCH_GOAL_MS
            if value > goal:
                missed.append(f"{key} {value:.0f} ms > {goal}")
            if baseline and key in baseline and value > 1.5 * max(baseline[key], 1):
                missed.append(f"{key} {value:.0f} ms > 1.5 × {baseline[key]:.0f} ms at the smaller size")
    return missed


def main() -> int:
    plan = os.environ.get("BENCH_SCALE", "postgresql:10000,sqlite:100000")
    pg = None
    results, failures = {}, []
    for item in plan.split(","):
        backend, points = item.split(":")
        points = int(points)
        if backend == "postgresql":
            reason = pg_unavailable_reason()
            if reason:
                print(f"skip {item}: {reason}")
                continue
            pg = pg or PgDatabases(pg_server_url())
        load = os.getloadavg()
        figures = run_one(backend, points, pg)
        smaller = [p for (b, p) in results if b == backend and p < points]
        baseline = results[(backend, max(smaller))] if smaller else None
        results[(backend, points)] = figures
        print(f"\n{backend} {points:,} points (load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start)")
        for key, value in figures.items():
            print(f"  {key:<28} {value:10.1f}")
        missed = verdicts(backend, points, figures, baseline)
        failures += [f"{backend} {points}: {m}" for m in missed]
    blob = blob_upload(Path(tempfile.mkdtemp(prefix="bench-blob-")))
    print(f"\nblob 15 MB: growth {blob['upload growth MB']:.1f} MB (< 16), "
          f"speed {blob['upload speed vs copy']:.2f}× copy (≥ 0.5)")
    if blob["upload growth MB"] >= 16:
        failures.append("blob upload memory")
    if blob["upload speed vs copy"] < 0.5:
        failures.append("blob upload speed")
    if pg:
        pg.drop_all()
    print("\n" + ("all goals met" if not failures else "missed:\n  " + "\n  ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
