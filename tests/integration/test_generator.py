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


def test_generate_activity_makes_every_type_and_state_and_the_pages_open(demo_ctx):
    from server.models import Dossier, Order, Report
    from server.models.dossiers import DOSSIER_STATES, DOSSIER_TYPES
    from server.models.reports import REPORT_STATES
    from server.services.base.activity_seeding import generate_activity
    generate_points(400, date.today(), batch=400)
    made = generate_activity(date.today(), dossiers=40, orders_today=60, reports=120, technicians=8)
    assert made == {"dossiers": 40, "orders_today": 60, "reports": 120}
    kinds = set(db.session.execute(select(Dossier.type, Dossier.state).where(Dossier.ref.like("DG%"))).all())
    assert kinds == {(t, s) for t in DOSSIER_TYPES for s in DOSSIER_STATES}
    assert set(db.session.scalars(select(Report.state).distinct())) >= set(REPORT_STATES)
    from server.models import User
    today = db.session.execute(select(User.utility, Order.assignee_id, func.count()).join(
        User, User.id == Order.assignee_id).where(Order.ref.like("ATG%"), Order.planned_date == date.today())
        .group_by(User.utility, Order.assignee_id)).all()
    assert len(today) == 8
    for utility in ("water", "electricity"):  # spread evenly over the technicians of each utility
        counts = [n for u, _, n in today if u == utility]
        assert max(counts) - min(counts) <= 1
    # the generated rows are read by the office like any other
    from server.services.review.cockpit import review_queue
    from datetime import datetime, timezone
    agent = db.session.scalar(select(User).where(User.login == "agent.eau"))
    page = review_queue(agent, now=datetime.now(timezone.utc))
    assert len(page) == 50 and page.has_next  # the service's own default page
    db.session.add(Order(ref="ATNEW", type="READING", delivery_point_id=page[0].order.delivery_point_id))
    db.session.commit()  # sequences moved past the bulk ids
