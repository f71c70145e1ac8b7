"""`tournee generate` adds realistic points in bulk, on both databases."""
from datetime import date

from sqlalchemy import func, select

from server.extensions import db
from server.models import Contract, Customer, DeliveryPoint, Meter, Reading
from server.services.base.seeding import generate_points


def test_generate_adds_points_with_history_after_the_demo(demo_ctx):
    before = db.session.scalar(select(func.count()).select_from(DeliveryPoint))
    seen = []
    generate_points(1200, date.today(), batch=500, progress=seen.append)
    after = db.session.scalar(select(func.count()).select_from(DeliveryPoint))
    assert after - before == 1200
    assert seen == [500, 1000, 1200]
    for model in (Customer, Meter, Contract):
        assert db.session.scalar(select(func.count()).select_from(model)) == after
    assert db.session.scalar(select(func.count()).select_from(Reading)) > after * 4
    # ORM inserts still work after explicit-id bulk inserts (PostgreSQL sequences moved on).
    db.session.add(Customer(ref="CNEW", last_name="Nouveau"))
    db.session.commit()


def test_generate_leaves_the_planner_statistics_fresh(demo_ctx):
    generate_points(300, date.today(), batch=300)
    if db.engine.dialect.name == "postgresql":
        analyzed = db.session.scalar(db.text(
            "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('customers', 'delivery_points', "
            "'meters', 'contracts', 'readings') AND last_analyze IS NOT NULL"))
        assert analyzed == 5
    else:
        tables = set(db.session.scalars(db.text("SELECT DISTINCT tbl FROM sqlite_stat1")))
        assert {"customers", "delivery_points", "meters", "contracts", "readings"} <= tables
