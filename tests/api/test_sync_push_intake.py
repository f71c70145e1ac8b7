"""S3-12: the push itself moves the order to "reported" — no office page has to be opened first."""
from sqlalchemy import select

from server.extensions import db
from server.models import Order, Report
from tests.api.test_sync_push import client, photo_report, push, upload  # noqa: F401 (fixture)


def test_push_moves_the_order_to_reported_without_any_office_page(client, app):  # noqa: F811
    report, sha = photo_report(client)
    upload(client, sha)
    with app.app_context():
        assert db.session.get(Order, report["order_id"]).state == "assigned"
    [result] = push(client, report)
    assert result["status"] == "applied"
    with app.app_context():
        assert db.session.get(Order, report["order_id"]).state == "reported"
        assert db.session.scalar(select(Report.state).where(Report.id == result["report_id"])) == "received"


def test_report_awaiting_blobs_leaves_the_order_assigned_until_complete(client, app):  # noqa: F811
    report, sha = photo_report(client)
    [first] = push(client, report)
    assert first["status"] == "awaiting_blobs"
    with app.app_context():
        assert db.session.get(Order, report["order_id"]).state == "assigned"
    upload(client, sha)
    [second] = push(client, report)
    assert second["status"] == "applied"
    with app.app_context():
        assert db.session.get(Order, report["order_id"]).state == "reported"
