"""Documents benchmark: closing invoice PDF render time and a 1,000-order batch print (issue 6).

Builds a fresh SQLite database with the demo data, issues a real closing invoice and 1,000 orders planned
on one day, then times (a) the closing invoice PDF, median over 200 renders, from the InvoiceDocument the
download route builds, and (b) the whole batch print of the day as the route does it (queries, dataclasses,
QR codes, one PDF). Targets: ≤ 10 ms median per invoice, ≤ 20 s per 1,000 orders. Exit status 1 when one
is missed.
"""
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INVOICE_RUNS = 200
ORDERS = 1000
INVOICE_TARGET_MS = 10.0
BATCH_TARGET_S = 20.0


def build(app, now: datetime):
    from sqlalchemy import select

    from server.extensions import db
    from server.models import Contract, DeliveryPoint, User
    from server.services.closing.invoices import issue_closing_invoice, last_billed_reading
    from server.services.dossiers.orders import issue_order
    from server.services.base.seeding import load_demo

    db.create_all()
    load_demo(now.date())
    contract = db.session.scalar(select(Contract).join(DeliveryPoint).where(DeliveryPoint.ref == "P00000004"))
    billed = last_billed_reading(contract.point.meters[0])
    invoice = issue_closing_invoice(contract, end_on=now.date(), index=billed.index + 23, read_on=now.date(),
                                    source="agent", travel_fee=True, now=now)
    points = list(db.session.scalars(select(DeliveryPoint).where(DeliveryPoint.kind == "water")))
    day = now.date() + timedelta(days=3)
    for i in range(ORDERS):
        issue_order("READING", points[i % len(points)], now=now, planned_date=day, travel_fee=i % 3 == 0,
                    instructions="Relever l'index et photographier le cadran.")
    db.session.commit()
    return invoice.id, day, db.session.scalar(select(User).where(User.login == "admin"))


def main() -> int:
    from server import create_app
    from server.documents import render_invoice_pdf
    from server.services.reporting.printouts import day_orders_pdf, get_or_404, invoice_document
    from server.models import Invoice

    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "INSTANCE_PATH": tmp,
                          "SECRET_KEY": "bench", "BLOB_DIR": f"{tmp}/blobs"})
        with app.app_context():
            invoice_id, day, admin = build(app, now)
            document = invoice_document(get_or_404(Invoice, invoice_id, ""))
            render_invoice_pdf(document)  # warm-up: fonts, imports
            times = []
            for _ in range(INVOICE_RUNS):
                start = time.perf_counter()
                pdf = render_invoice_pdf(document)
                times.append(time.perf_counter() - start)
            median_ms = statistics.median(times) * 1000
            start = time.perf_counter()
            _, batch = day_orders_pdf(day, base_url="https://tournee.example/", user=admin)
            batch_s = time.perf_counter() - start
    print("| measure | figure | target |")
    print("| --- | --- | --- |")
    print(f"| closing invoice PDF, median of {INVOICE_RUNS} | {median_ms:.2f} ms ({len(pdf) / 1024:.1f} KB, "
          f"p95 {sorted(times)[int(INVOICE_RUNS * 0.95)] * 1000:.2f} ms) | ≤ {INVOICE_TARGET_MS:.0f} ms |")
    print(f"| batch print of {ORDERS} orders (one PDF, QR codes) | {batch_s:.2f} s ({len(batch) / 1024 / 1024:.1f} MB) "
          f"| ≤ {BATCH_TARGET_S:.0f} s |")
    return 0 if median_ms <= INVOICE_TARGET_MS and batch_s <= BATCH_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
