"""Reports synced since the office last looked: their order shows as reported (with the W10 return
task), and a countersignature made on the tablet is verified against the chief's proof and sealed, or
flagged (E7, PROTOCOL §8)."""
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.orm import aliased

from ...errors import Conflict
from ...extensions import db
from ...models import Order, Report, User
from ..base.audit import record
from ..base.countersigners import count_wrong_proof, tablet_countersignature_refusal
from ..dossiers.dossiers import open_return_task
from .reports import countersign_report, countersignatures_of, flagged, set_order_state, time_of


def absorb_synced_reports(now: datetime, report_ids=None, proofs: dict[str, str] | None = None) -> int:
    """Reports synced since the last look (or only those of `report_ids`, e.g. just pushed): their
    order shows as reported. With `proofs` (the push's, by report UUID), a countersignature made on
    the tablet is judged once: sealed, or flagged with its reason; without, it waits for its push.
    Idempotent; returns how many countersignatures were judged."""
    handled, reported = 0, set()
    if report_ids is not None and not report_ids:
        return 0
    if report_ids is None and proofs is None:  # only the orders still "assigned" have something to take in
        query = _received_on_assigned_orders()
    else:
        query = select(Report, Order.state).join(Order, Order.id == Report.order_id).where(Report.state == "received")
        if report_ids is not None:
            query = query.where(Report.id.in_(report_ids))
        if proofs is None:
            query = query.where(Order.state == "assigned")
    for report, order_state in db.session.execute(query).all():
        if moves_its_order(report) and order_state == "assigned" and report.order_id not in reported:
            set_order_state(report.order_id, "reported", user=None, now=now)
            open_return_task(db.session.get(Order, report.order_id), now)
            reported.add(report.order_id)
        if proofs is not None and awaits_tablet_verdict(report):
            handled += _judge_tablet_countersignature(report, report.content["countersignature"], proofs.get(report.uuid), now)
    db.session.commit()
    return handled


def _received_on_assigned_orders():
    """Received reports whose order is still "assigned", walked from those orders (a few thousand at
    most) into each one's reports by the order_id index. PostgreSQL would otherwise hash the join from
    the other side and read every report waiting for the office (tens of thousands after a busy day):
    OFFSET 0 keeps the per-order subquery from being merged into such a join. SQLite has no LATERAL;
    its planner starts from the orders' state index anyway."""
    if db.session.get_bind().dialect.name != "postgresql":
        return select(Report, Order.state).join(Order, Order.id == Report.order_id) \
            .where(Report.state == "received", Order.state == "assigned")
    per_order = select(Report).where(Report.order_id == Order.id, Report.state == "received").offset(0).lateral()
    received = aliased(Report, per_order)
    return select(received, Order.state).select_from(Order).join(per_order, true()).where(Order.state == "assigned")


def moves_its_order(report: Report) -> bool:
    """Whether the report may change its order's state: never a conflict report (the order was cancelled,
    or is now someone else's: it stays as its new holder has it, the office decides about the report)."""
    return not report.conflict


def awaits_tablet_verdict(report: Report) -> bool:
    return bool(report.content.get("countersignature")) and not countersignatures_of(report) \
        and not flagged(report, "countersignature_invalid")


def tablet_verdict(report: Report) -> dict | None:
    """PROTOCOL §8, in the push result: sealed, refused with its reason, or None (none carried, or
    not judged yet)."""
    if not report.content.get("countersignature"):
        return None
    if any(cs.channel == "tablet" for cs in countersignatures_of(report)):
        return {"status": "sealed"}
    refused = next((f for f in report.flags or [] if isinstance(f, dict) and f.get("flag") == "countersignature_invalid"), None)
    return {"status": "refused", "reason": refused.get("reason", "not_allowed")} if refused else None


def _judge_tablet_countersignature(report: Report, tablet: dict, proof: str | None, now: datetime) -> int:
    chief = db.session.scalar(select(User).where(User.login == str(tablet.get("chief_login"))))
    refusal = tablet_countersignature_refusal(chief, db.session.get(User, report.technician_id), report, tablet, proof)
    if refusal:
        report.flags = list(report.flags or []) + [{"flag": "countersignature_invalid", "reason": refusal,
                                                     "chief_login": str(tablet.get("chief_login"))[:64]}]
        record("refuse_tablet_countersignature", "report", report.id, at=now, device_id=report.device_id,
               chief_login=tablet.get("chief_login"), reason=refusal)
        db.session.commit()  # the verdict stays whatever happens to the next report of the push
        if refusal == "bad_proof":
            count_wrong_proof(chief, now=now, report_id=report.id, technician_id=report.technician_id)
        return 1
    try:
        countersign_report(report.id, chief=chief, signature=tablet["signature"], now=now, channel="tablet",
                           device_id=report.device_id, device_time=time_of(tablet.get("device_time")))
    except Conflict:  # another request took it in at the same moment
        return 0
    return 1
