"""The demo's reports (make run): every state of the review and a flag of each kind of check, with
photos and signatures in the blob store (SQLite and PostgreSQL)."""
from datetime import datetime, timezone

from sqlalchemy import select

from server.blobs import DiskBlobStore
from server.extensions import db
from server.models import QuarantinedReport, Report
from server.services.reporting.demo_reports import demo_report_scenarios, seed_demo_reports
from server.services.review.reports import report_review


def test_the_demo_shows_reports_in_every_state_and_every_kind_of_flag(demo_ctx, tmp_path):
    store = DiskBlobStore(tmp_path / "blobs", 15 * 2**20)
    seed_demo_reports(demo_report_scenarios(), now=datetime.now(timezone.utc), store=store)
    reports = db.session.scalars(select(Report)).all()
    assert {r.state for r in reports} >= {"received", "awaiting_blobs", "countersigned", "accepted", "rejected"}
    assert {q.reason for q in db.session.scalars(select(QuarantinedReport))} == {"mismatch", "rejected"}
    flags = {f.code for r in reports for f in report_review(r.id).flags}
    assert flags >= {"serial_mismatch", "implausible_consumption", "rollover", "position_far", "clock_skew",
                     "conflict_cancelled", "duplicate_aside", "missing_blobs"}, flags
    clean = [r for r in reports if r.state == "received" and not report_review(r.id).flags]
    assert len(clean) >= 3                               # the chief's queue has plain ones too
    for report in reports:
        review = report_review(report.id)
        assert review.verifies
        if report.state != "awaiting_blobs":
            assert all(store.has(sha) for _, sha in review.photos)
    assert any(report_review(r.id).signatures for r in reports)
    assert any(report_review(r.id).seals for r in reports)
