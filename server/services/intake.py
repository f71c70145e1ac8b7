"""Reports synced since the office last looked: their order shows as reported (with the W10 return
task), and a countersignature made on the tablet is verified and sealed, or flagged (E7)."""
from datetime import datetime

from sqlalchemy import select

from ..errors import Conflict
from ..extensions import db
from ..models import Order, Report, User
from .audit import record
from .outcomes import open_return_task
from .reports import countersign_report, countersignatures_of, flagged, may_countersign, set_order_state, time_of


def absorb_synced_reports(now: datetime, report_ids=None) -> int:
    """Reports synced since the last look (or only those of `report_ids`, e.g. just pushed): their
    order shows as reported, a countersignature made on the tablet is verified and sealed (or
    flagged). Idempotent; returns how many were handled."""
    handled, reported = 0, set()
    query = select(Report, Order.state).join(Order, Order.id == Report.order_id).where(Report.state == "received")
    if report_ids is not None:
        if not report_ids:
            return 0
        query = query.where(Report.id.in_(report_ids))
    for report, order_state in db.session.execute(query).all():
        if order_state == "assigned" and report.order_id not in reported:  # state read once, with the report
            set_order_state(report.order_id, "reported", user=None, now=now)
            open_return_task(db.session.get(Order, report.order_id), now)
            reported.add(report.order_id)
        tablet = report.content.get("countersignature")
        if tablet and not countersignatures_of(report) and not flagged(report, "countersignature_invalid"):
            handled += _absorb_tablet_countersignature(report, tablet, now)
    db.session.commit()
    return handled


def _absorb_tablet_countersignature(report: Report, tablet: dict, now: datetime) -> int:
    chief = db.session.scalar(select(User).where(User.login == str(tablet.get("chief_login"))))
    signature = tablet.get("signature") if isinstance(tablet.get("signature"), dict) else {}
    if chief is None or not may_countersign(chief, db.session.get(User, report.technician_id)) \
            or not signature.get("strokes"):
        report.flags = list(report.flags or []) + [{"flag": "countersignature_invalid",
                                                     "chief_login": str(tablet.get("chief_login"))[:64]}]
        record("refuse_tablet_countersignature", "report", report.id, at=now, chief_login=tablet.get("chief_login"))
        return 1
    device_time = time_of(tablet.get("device_time"))
    try:
        countersign_report(report.id, chief=chief, signature=signature, now=now, channel="tablet",
                           device_id=report.device_id, device_time=device_time)
    except Conflict:  # another request took it in at the same moment
        return 0
    return 1
