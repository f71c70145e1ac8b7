"""Scale benchmark (issue 14): office pages and searches on a large generated database.

For each (backend, points): a fresh database, migrations, the demo data, `tournee generate`'s points and
activity (dossiers, 1,000 orders today over the technicians, 50,000 reports in every state, most waiting),
then, in-process through the Flask test client (view, queries, rendering; no network):
  - customer search by name, meter serial, contract number, customer reference (median of runs);
  - every paged list: /reports (50,000 waiting), /dispatch (1,000 orders today), /dossiers, /orders,
    /tasks, /invoices, /invoices/transfers, /devices;
  - a technician's pull right after generate (statistics fresh);
  - a 15 MB blob upload: memory growth of the Python heap (in a run of its own), speed of the disk store's
    `save` against copies of the same file (plain `cp`, and a copy fsync'ed as the store's is), and a PUT
    of it over HTTP to `tournee serve`.
Goals: search ≤ 150 ms on PostgreSQL (≤ 1.5× its 10 k time at 1 M when both run), SQLite usable at
100 k (≤ 300 ms); lists ≤ 300 ms; upload < 16 MB growth and ≥ 0.5× the fsynced copy (against plain `cp`
the SHA-256 alone is slower). Exit 1 when one is missed.

  .venv/bin/python bench/bench_scale.py                      # PostgreSQL 10 k, SQLite 100 k
  BENCH_SCALE=postgresql:10000,postgresql:1000000 .venv/bin/python bench/bench_scale.py
  BENCH_SCALE= .venv/bin/python bench/bench_scale.py          # the upload alone
"""
import hashlib
import io
import os
import re
import shutil
import statistics
import subprocess
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


def fifteen_mb_photos(count: int):
    """Valid JPEGs of exactly 15 MB (the demo photo with GPS tags, padded after its end), all different."""
    photo = (ROOT / "fixtures" / "sync" / "blobs" / "meter-gps.jpg").read_bytes()
    for i in range(count):
        tail = f"upload {i}".encode()
        yield photo + bytes(15 * 1024 * 1024 - len(photo) - len(tail)) + tail


def fsynced_copy(source: Path, target: Path) -> None:
    """What the store promises, without hash nor checks: a copy that is on disk when it returns."""
    shutil.copyfile(source, target)
    handle = os.open(target, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def blob_upload(tmp: Path, runs: int = RUNS) -> dict:
    """The disk store's `save` of a 15 MB JPEG from a file: speed (median of `runs`, each to a fresh store)
    against copies of the same file, then, in a separate run, Python heap growth (tracemalloc slows
    every allocation, so it never runs while speed is measured)."""
    from server.blobs import DiskBlobStore
    sources = []
    for i, photo in enumerate(fifteen_mb_photos(runs + 1)):
        sources.append((tmp / f"photo-{i}.jpg", hashlib.sha256(photo).hexdigest()))
        sources[-1][0].write_bytes(photo)
    samples = {"save": [], "cp": [], "copyfile": [], "fsynced copy": [], "sha256 alone": []}
    for i, (source, name) in enumerate(sources[:runs]):
        def save(store=DiskBlobStore(tmp / f"store-{i}", 16 * 1024 * 1024)):
            with open(source, "rb") as body:
                assert store.save(name, body)[0]
        for label, action in (("save", save),
                              ("cp", lambda: subprocess.run(["cp", source, tmp / f"cp-{i}"], check=True)),
                              ("copyfile", lambda: shutil.copyfile(source, tmp / f"copyfile-{i}")),
                              ("fsynced copy", lambda: fsynced_copy(source, tmp / f"fsynced-{i}")),
                              ("sha256 alone", lambda: hashlib.sha256(source.read_bytes()).hexdigest())):
            start = time.perf_counter()
            action()
            samples[label].append((time.perf_counter() - start) * 1000)
    ms = {label: statistics.median(values) for label, values in samples.items()}
    source, name = sources[runs]
    tracemalloc.start()
    with open(source, "rb") as body:
        DiskBlobStore(tmp / "store-memory", 16 * 1024 * 1024).save(name, body)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"upload growth MB": peak / 1024 / 1024, **{f"{label} ms": value for label, value in ms.items()},
            "upload speed vs fsynced copy": ms["fsynced copy"] / ms["save"],
            "upload speed vs cp": ms["cp"] / ms["save"]}


def blob_upload_over_http(tmp: Path, copy_ms: dict, runs: int = 5) -> dict:
    """PUT /api/v1/blobs/<sha256> of 15 MB to `tournee serve` (gunicorn) on this machine, from a file:
    the whole request (socket, WSGI, hash, strip, write, fsync, checks, rename, its database row)."""
    import http.client

    from sqlalchemy import select

    from server import create_app
    from server.blobs import CHUNK
    from server.extensions import db
    from server.models import Device, User
    from server.services.field.devices import hash_token
    from tests.live_server import LiveServer, prepare_database
    instance = tmp / "http"
    instance.mkdir()
    url = prepare_database(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"})
    with app.app_context():
        technician = db.session.scalars(select(User).where(User.role == "technician").order_by(User.id)).first()
        db.session.add(Device(user_id=technician.id, name="Tablette", token_hash=hash_token("bench-blob-token")))
        db.session.commit()
        db.engine.dispose()
    server = LiveServer(instance, url).start(timeout=90)
    samples = []
    try:
        for i, photo in enumerate(fifteen_mb_photos(runs + 1)):
            source = tmp / "http-photo.jpg"
            source.write_bytes(photo)
            name = hashlib.sha256(photo).hexdigest()
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60, blocksize=CHUNK)
            start = time.perf_counter()
            with open(source, "rb") as body:
                connection.request("PUT", f"/api/v1/blobs/{name}", body=body, headers={
                    "Authorization": "Bearer bench-blob-token", "Content-Type": "image/jpeg",
                    "Content-Length": str(len(photo))})
                answer = connection.getresponse()
                said = answer.read()
            elapsed = (time.perf_counter() - start) * 1000
            connection.close()
            assert answer.status == 201, (answer.status, said[:300])
            if i:  # the first one warms the worker up
                samples.append(elapsed)
    finally:
        server.stop()
    ms = statistics.median(samples)
    return {"http upload ms": ms, "http upload speed vs fsynced copy": copy_ms["fsynced copy ms"] / ms,
            "http upload speed vs cp": copy_ms["cp ms"] / ms}


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


def blob_verdicts() -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-blob-"))
    try:
        load = os.getloadavg()
        blob = blob_upload(tmp)
        blob.update(blob_upload_over_http(tmp, blob))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nblob 15 MB (load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start; medians, ms)")
    for key, value in blob.items():
        print(f"  {key:<34} {value:10.2f}")
    print(f"upload: growth {blob['upload growth MB']:.1f} MB (< 16); save {blob['upload speed vs fsynced copy']:.2f}× "
          f"an fsynced copy (≥ 0.5), {blob['upload speed vs cp']:.2f}× plain cp (SHA-256 alone is "
          f"{blob['cp ms'] / blob['sha256 alone ms']:.2f}× cp); over HTTP "
          f"{blob['http upload speed vs fsynced copy']:.2f}× the fsynced copy, {blob['http upload speed vs cp']:.2f}× cp")
    missed = []
    if blob["upload growth MB"] >= 16:
        missed.append("blob upload memory")
    if blob["upload speed vs fsynced copy"] < 0.5:
        missed.append("blob upload speed (vs an fsynced copy)")
    return missed


def main() -> int:
    plan = os.environ.get("BENCH_SCALE", "postgresql:10000,sqlite:100000")
    pg = None
    results, failures = {}, []
    for item in filter(None, plan.split(",")):  # BENCH_SCALE="" measures the blob upload only
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
    failures += blob_verdicts()
    if pg:
        pg.drop_all()
    print("\n" + ("all goals met" if not failures else "missed:\n  " + "\n  ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
