"""Test data for the review work: a synced report on a demo order, as the push API stores it."""
import uuid as uuidlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from server.extensions import db
from server.models import DeliveryPoint, Order, Report, User
from sync.content import content_hash

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SIGNATURE = {"sha256": "5" * 64, "signer_name": "Julien Roux", "strokes": [[[10, 10], [40, 25], [80, 12]]]}
CHIEF_SIGNATURE = {"sha256": None, "signer_name": "Bruno Lambert", "strokes": [[[5, 5], [60, 30]]]}


def user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def demo_order(point_ref: str, order_type: str | None = None) -> Order:
    query = select(Order).join(DeliveryPoint).where(DeliveryPoint.ref == point_ref)
    if order_type:
        query = query.where(Order.type == order_type)
    return db.session.scalar(query.order_by(Order.id.desc()))


def wire_report(order: Order, *, outcome: str = "done", answers: dict | None = None, photo: str = "a" * 64,
                device_time: datetime | None = None, position: dict | None = None, countersignature=None) -> dict:
    """A REPORT of the wire contract for this order, with a photo and the technician's signature."""
    moment = (device_time or NOW - timedelta(minutes=5)).isoformat()
    point = order.point
    answers = {"meter_serial": order.meter.serial if order.meter else None, "photo_index": [photo],
               "sig_technician": SIGNATURE, **(answers or {})}
    answers = {k: v for k, v in answers.items() if v is not None}
    return {"uuid": str(uuidlib.uuid4()), "order_id": order.id, "order_version": order.version,
            "form_type": order.type, "form_version": 1, "device_seq": 1, "device_time": moment,
            "outcome": outcome, "reason_code": None, "answers": answers,
            "attachments": [{"sha256": photo, "field": "photo_index", "kind": "photo", "content_type": "image/jpeg",
                             "size": 1000, "captured_at": moment, "lat": point.lat, "lon": point.lon},
                            {"sha256": SIGNATURE["sha256"], "field": "sig_technician", "kind": "signature",
                             "content_type": "image/png", "size": 500, "captured_at": moment, "lat": None, "lon": None}],
            "position": position if position is not None else {"lat": point.lat, "lon": point.lon, "accuracy": 6.0},
            "started_at": moment, "finished_at": moment, "countersignature": countersignature}


def store_report(order: Order, *, received_at: datetime = NOW, conflict: str | None = None, flags=(), **kwargs) -> Report:
    """The row the push API would store for this report (state received)."""
    content = wire_report(order, **kwargs)
    report = Report(uuid=content["uuid"], order_id=order.id, technician_id=order.assignee_id, device_id=None,
                    order_version=order.version, form_type=order.type, form_version=1, device_seq=1,
                    device_time=datetime.fromisoformat(content["device_time"]), received_at=received_at,
                    outcome=content["outcome"], content=content, content_sha256=content_hash(content),
                    state="received", flags=list(flags), conflict=conflict, result={"status": "applied"})
    db.session.add(report)
    db.session.commit()
    return report
