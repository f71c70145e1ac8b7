"""Demo reports in every state of their review (fixtures/demo/reference.json, scenarios.reports), so a
first `make run` shows every office screen in use: waiting for the chief, flagged by each kind of check,
countersigned, accepted, rejected, kept aside by the sync, with real photos and signatures. Each report
is stored as the push stores it, then goes through the real review services."""
import hashlib
import io
import json
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import exists, select

from sync.content import content_hash

from ...blobs import BlobStore
from ...extensions import db
from ...models import Commune, DeliveryPoint, Dossier, Meter, Order, QuarantinedReport, Report, User
from ...sync_store import meter_facts
from ..base.seeding import DEMO_DIR, PROJECT_ROOT
from ..dossiers.orders import issue_order
from ..review.decisions import accept_report, reject_report
from ..review.reports import countersign_report

PHOTO = PROJECT_ROOT / "fixtures" / "photos" / "meter-dials.jpg"
SIGNATURE = PROJECT_ROOT / "fixtures" / "sync" / "blobs" / "signature.png"
STROKES = [[[40, 200], [90, 120], [140, 210], [190, 110], [240, 190]], [[300, 160], [420, 150], [560, 170]]]
CHIEFS = {"water": "chef.eau", "electricity": "chef.elec"}
AGENTS = {"water": "agent.eau", "electricity": "agent.elec"}


@dataclass(frozen=True)
class Blobs:
    photo: str
    signature: str


def store_blob(store: BlobStore, path: Path) -> str:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if not store.has(sha):
        store.save(sha, io.BytesIO(data))
    return sha


def free_points(utility: str):
    """Delivery points of the utility with a hand-read meter and nothing going on (no order, no dossier)."""
    busy = exists().where(Order.delivery_point_id == DeliveryPoint.id)
    followed = exists().where(Dossier.delivery_point_id == DeliveryPoint.id)
    return iter(db.session.scalars(
        select(DeliveryPoint).join(Commune).join(Meter, Meter.delivery_point_id == DeliveryPoint.id)
        .where(Commune.utility == utility, DeliveryPoint.state == "open", Meter.reading_mode == "manual",
               DeliveryPoint.kind != "elec_mt", ~busy, ~followed).order_by(DeliveryPoint.id)).unique())


def demo_report_scenarios(demo_dir: Path = DEMO_DIR) -> list[dict]:
    return json.loads((demo_dir / "reference.json").read_text(encoding="utf-8"))["scenarios"].get("reports", [])


def seed_demo_reports(scenarios: list[dict], *, now: datetime, store: BlobStore) -> int:
    """Creates the scenarios' reports; returns how many. Meant for an empty database (load-demo)."""
    blobs = Blobs(store_blob(store, PHOTO), store_blob(store, SIGNATURE))
    points = {utility: free_points(utility) for utility in CHIEFS}
    users = {u.login: u for u in db.session.scalars(select(User))}
    for scenario in scenarios:
        point = next(points[scenario["utility"]])
        received = now - timedelta(hours=scenario["hours_ago"])
        order = demo_order(point, users[scenario["technician"]], received)
        report = store_demo_report(order, scenario, received, blobs)
        review(report, scenario, users, received + timedelta(hours=2))
    return len(scenarios)


def demo_order(point: DeliveryPoint, technician: User, received: datetime) -> Order:
    order = issue_order("READING", point, now=received - timedelta(hours=3), planned_date=received.date())
    order.assignee_id, order.state, order.round_position = technician.id, "reported", 1
    db.session.flush()
    return order


def answers_for(order: Order, scenario: dict, blobs: Blobs, today) -> tuple[str, str | None, dict]:
    """(outcome, reason, answers) of a plain reading, bent the way the scenario's check needs."""
    facts = meter_facts(order.meter, today) or {}
    previous = facts.get("previous_index") or 0
    answers = {"meter_serial": order.meter.serial, "index": previous + 7, "photo_index": [blobs.photo]}
    make = scenario.get("make")
    if make == "implausible":
        answers.update(index=(facts.get("plausible_max") or previous) + 900, confirm_implausible=True)
    elif make == "rollover":
        answers.update(index=max(0, previous - 40), rollover=True)
    elif make == "serial_mismatch":
        answers.update(meter_serial=order.meter.serial[:-3] + "999", remarks="Plaque du compteur différente de l'ordre.",
                       sig_technician={"sha256": blobs.signature, "signer_name": db.session.get(User, order.assignee_id).name, "strokes": STROKES})
        return "anomaly", "serial_mismatch", answers
    return "done", None, answers


def store_demo_report(order: Order, scenario: dict, received: datetime, blobs: Blobs) -> Report:
    """The row the push would store, content hashed as received."""
    outcome, reason, answers = answers_for(order, scenario, blobs, received.date())
    point = order.point
    device_time = received - timedelta(minutes=12 if scenario.get("make") != "clock" else 150)
    far = scenario.get("make") == "far"
    position = {"lat": point.lat + (0.03 if far else 0.0001), "lon": point.lon, "accuracy": 8.0}
    moment = device_time.isoformat()
    photo = blobs.photo if scenario["state"] != "awaiting_blobs" else hashlib.sha256(order.ref.encode()).hexdigest()
    answers["photo_index"] = [photo]
    attachments = [{"sha256": photo, "field": "photo_index", "kind": "photo", "content_type": "image/jpeg",
                    "size": PHOTO.stat().st_size, "captured_at": moment, "lat": position["lat"], "lon": position["lon"]}]
    if "sig_technician" in answers:
        attachments.append({"sha256": blobs.signature, "field": "sig_technician", "kind": "signature",
                            "content_type": "image/png", "size": SIGNATURE.stat().st_size, "captured_at": moment,
                            "lat": None, "lon": None})
    content = {"uuid": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"tournee-demo/{order.ref}")), "order_id": order.id,
               "order_version": order.version, "form_type": "READING", "form_version": 2, "device_seq": order.id,
               "device_time": moment, "outcome": outcome, "reason_code": reason, "answers": answers,
               "attachments": attachments, "position": position, "started_at": moment, "finished_at": moment,
               "countersignature": None}
    report = Report(uuid=content["uuid"], order_id=order.id, technician_id=order.assignee_id, device_id=None,
                    order_version=order.version, form_type="READING", form_version=2, device_seq=order.id,
                    device_time=device_time, received_at=received, outcome=outcome, reason_code=reason,
                    content=content, content_sha256=content_hash(content),
                    state="awaiting_blobs" if scenario["state"] == "awaiting_blobs" else "received",
                    # the skew the sync measures against the device clock it sends (sync.rules.clock_skew_flag)
                    flags=[{"flag": "clock_skew", "seconds": -8400}] if scenario.get("make") == "clock" else [], conflict="cancelled" if scenario.get("make") == "cancelled" else None,
                    result={"status": "applied"})
    if report.conflict:
        order.state = "cancelled"
    db.session.add(report)
    db.session.commit()
    return report


def review(report: Report, scenario: dict, users: dict, at: datetime) -> None:
    """Takes the report where the scenario says, through the review services (seals, rules, audit)."""
    utility, state = scenario["utility"], scenario["state"]
    chief, agent = users[CHIEFS[utility]], users[AGENTS[utility]]
    signature = {"sha256": None, "signer_name": chief.name, "strokes": STROKES}
    if state in ("countersigned", "accepted"):
        countersign_report(report.id, chief=chief, signature=signature, now=at)
    if state == "accepted":
        accept_report(report.id, user=agent, now=at + timedelta(hours=1))
    elif state == "rejected":
        reject_report(report.id, user=agent, reason="Photo du cadran illisible : relevé à refaire.", now=at)
    elif state == "aside" or scenario.get("make") == "duplicate_aside":
        keep_aside(report, duplicate=scenario.get("make") == "duplicate_aside", at=at)


def keep_aside(report: Report, *, duplicate: bool, at: datetime) -> None:
    """What the sync keeps aside: the same UUID re-sent with another content, or a content the form refused."""
    content = {**report.content, "answers": {**report.content["answers"], "index": -1 if not duplicate else 12}}
    db.session.add(QuarantinedReport(
        uuid=report.uuid, technician_id=report.technician_id, device_id=None,
        reason="mismatch" if duplicate else "rejected", content_sha256=content_hash(content), content=content,
        details=None if duplicate else "index : L'index ne peut pas être négatif.", received_at=at))
    if not duplicate:                # a refused content never became a report: only the aside copy stays
        order = db.session.get(Order, report.order_id)
        db.session.delete(report)
        order.state = "assigned"
    db.session.commit()
