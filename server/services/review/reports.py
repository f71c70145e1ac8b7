"""Report review: the chief's countersignature that seals a report (E7, E11), corrections as new
attributed versions (never an edit in place), and the reconciliation flags of the cockpit."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from forms import validate_submission
from sqlalchemy import func, select, update

from ...errors import Conflict, DomainError, Forbidden, IllegalTransition, NotFound
from ...extensions import db
from ...models import (Commune, Contract, Countersignature, DeliveryPoint, Device, Invoice, Meter, Order, QuarantinedReport, Reading, Report,
                      ReportVersion, User)
from ...sync_store import definitions as form_definitions, meter_facts
from ..base.audit import record
from ..base.countersigners import REFUSAL_LABELS, may_countersign
from ..rules.checks import Flag, PastReading, ReportFacts, field_ids, run_checks
from ..dossiers.orders import touch_order
from ..rules.seals import SealFacts, content_sha256, seal_sha256, seal_verifies, signatures_of

COUNTERSIGNABLE = ("received",)
OSM = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


@dataclass
class VersionView:
    number: int
    content: dict
    content_sha256: str
    author: User | None
    reason: str | None
    at: datetime
    verifies: bool


@dataclass
class SealView:
    countersignature: Countersignature
    chief: User
    verifies: bool


@dataclass
class ReportReview:
    report: Report
    order: Order
    point: DeliveryPoint
    meter: Meter | None
    technician: User
    versions: list[VersionView]
    seals: list[SealView]
    flags: list[Flag]
    history: list[Reading]
    quarantined: list[QuarantinedReport]
    definition: dict | None = None
    invoices: list[Invoice] = field(default_factory=list)
    device: Device | None = None

    @property
    def reason_label(self) -> str | None:
        """The French label of the outcome's reason (the code itself when the form does not know it)."""
        code = self.current.content.get("reason_code")
        outcomes = (self.definition or {}).get("outcomes", [])
        reasons = {r["code"]: r["label"] for o in outcomes for r in o.get("reasons", [])}
        return reasons.get(code, code) if code else None

    @property
    def labels(self) -> dict[str, str]:
        """French labels of the form's fields, by id."""
        return {f["id"]: f.get("label", f["id"]) for f in (self.definition or {}).get("fields", [])}

    @property
    def index_comparison(self) -> tuple[int, Reading, int] | None:
        """(index typed, last known reading before the report, consumption) when both exist."""
        typed = (self.current.content.get("answers") or {}).get(next(iter(field_ids(self.definition, "index", "index"))))
        before = [h for h in self.history if h.source != "estimated" and aware(h.created_at or self.report.received_at)
                  < aware(self.report.received_at)]
        if not isinstance(typed, int) or isinstance(typed, bool) or not before:
            return None
        return typed, before[0], typed - before[0].index

    @property
    def device_time(self) -> datetime | None:
        """The tablet's clock as it wrote it, with its offset."""
        return time_of(self.report.content.get("device_time")) or self.report.device_time

    @property
    def current(self) -> VersionView:
        return self.versions[-1]

    @property
    def photos(self) -> list[tuple[str, str]]:
        return [(a["field"], a["sha256"]) for a in self.current.content.get("attachments") or [] if a["kind"] == "photo"]

    @property
    def signatures(self) -> list[dict]:
        return signatures_of(self.current.content)

    @property
    def map_url(self) -> str | None:
        pos = self.current.content.get("position") or {}
        return OSM.format(lat=pos["lat"], lon=pos["lon"]) if pos.get("lat") is not None else None

    @property
    def verifies(self) -> bool:
        return all(v.verifies for v in self.versions) and all(s.verifies for s in self.seals)


def get_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound("Compte-rendu introuvable.")
    return report


def report_for(report_id: int, user: User) -> Report:
    """The report, if it is of the user's utility (office users work on their own utility; admin on both)."""
    report = get_report(report_id)
    order = db.session.get(Order, report.order_id)
    if user.role != "admin" and user.utility and order.point.commune.utility != user.utility:
        raise Forbidden("Ce compte-rendu relève d'une autre activité.")
    return report


def in_utility(query, utility: str | None):
    """A query of reports joined to their order, kept to those of the utility's premises (all without
    one). Joined rather than `scope.condition`'s IN lists, so an ordered, limited walk stops early."""
    if not utility:
        return query
    return query.join(DeliveryPoint, Order.delivery_point_id == DeliveryPoint.id) \
        .join(Commune, DeliveryPoint.commune_id == Commune.id).where(Commune.utility == utility)


def versions_of(report: Report) -> list[VersionView]:
    """Version 1 is the report as received; corrections follow, each with its author and reason."""
    return _version_views(report, db.session.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)
                                                     .order_by(ReportVersion.number)))


def _version_views(report: Report, corrections) -> list[VersionView]:
    first = VersionView(1, report.content, report.content_sha256, None, None, report.received_at,
                        content_sha256(report.content) == report.content_sha256)
    return [first] + [VersionView(v.number, v.content, v.content_sha256, db.session.get(User, v.author_id), v.reason,
                                  v.created_at, content_sha256(v.content) == v.content_sha256) for v in corrections]


def version_content(report: Report, number: int) -> dict:
    if number == 1:
        return report.content
    row = db.session.scalar(select(ReportVersion).where(ReportVersion.report_id == report.id,
                                                        ReportVersion.number == number))
    return row.content if row else {}


def person(user: User) -> dict:
    return {"id": user.id, "login": user.login, "name": user.name}


def seal_facts_of(report: Report, cs: Countersignature) -> SealFacts:
    """The facts as stored today, to seal or to verify."""
    return SealFacts(
        report_uuid=report.uuid, version_number=cs.version_number, content=version_content(report, cs.version_number),
        technician=person(db.session.get(User, report.technician_id)), device_id=report.device_id,
        device_time=report.device_time, received_at=report.received_at,
        chief=person(db.session.get(User, cs.chief_id)), signature=cs.signature, channel=cs.channel,
        countersign_device_id=cs.device_id, countersign_device_time=cs.device_time, signed_at=cs.signed_at)


def report_facts(report: Report, versions: list[VersionView] | None = None, quarantined: int | None = None) -> ReportFacts:
    """What the reconciliation checks look at, from the database (`versions` and the count of contents
    kept aside under its UUID when the caller read them already)."""
    versions = versions or versions_of(report)
    if quarantined is None:
        quarantined = db.session.scalar(select(func.count()).select_from(QuarantinedReport)
                                        .where(QuarantinedReport.uuid == report.uuid)) or 0
    content = versions[-1].content
    order = db.session.get(Order, report.order_id)
    point, meter = order.point, order.meter
    history = []
    if meter is not None:
        day = report.received_at.date()
        history = [PastReading(r.read_on, r.index, r.source) for r in db.session.scalars(
            select(Reading).where(Reading.meter_id == meter.id, Reading.read_on <= day)
            .order_by(Reading.read_on.desc(), Reading.id.desc()).limit(6))
            if not (r.source == "agent" and r.created_at and aware(r.created_at) >= aware(report.received_at))]
    attached = [a["sha256"] for a in content.get("attachments") or []]
    return ReportFacts(
        outcome=content.get("outcome", report.outcome), answers=content.get("answers") or {},
        received_at=report.received_at, device_time=time_of(content.get("device_time")) or report.device_time,
        position=content.get("position"),
        sync_flags=list(report.flags or []), conflict=report.conflict,
        missing_blobs=attached if report.state == "awaiting_blobs" else [],
        quarantined=quarantined,
        point_lat=point.lat, point_lon=point.lon, meter_serial=meter.serial if meter else None,
        dials=meter.dials if meter else None, reading_mode=meter.reading_mode if meter else None,
        history=history, definition=definition_of(report),
        form_errors=correction_errors(report, order, content) if len(versions) > 1 else {})


def correction_errors(report: Report, order: Order, content: dict) -> dict:
    """A corrected version must still satisfy the form it was captured with."""
    definition = definition_of(report)
    if definition is None:
        return {}
    facts = meter_facts(order.meter, report.received_at.date()) or {}
    context = {"meter_serial": facts.get("serial"), "dials": facts.get("dials"),
               **{k: facts.get(k) for k in ("previous_index", "plausible_min", "plausible_max")}}
    return validate_submission(definition, content.get("outcome"), content.get("answers") or {}, context,
                               reason_code=content.get("reason_code"))


def definition_of(report: Report) -> dict | None:
    return form_definitions().get((report.form_type, report.form_version))


def time_of(text) -> datetime | None:
    """A time as the tablet wrote it, offset included (SQLite columns drop the offset)."""
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def in_utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(timezone.utc) if moment is not None and moment.tzinfo is not None else moment


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes, written in UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def review_flags(report: Report, versions: list[VersionView] | None = None) -> list[Flag]:
    """The cockpit's flags: the automatic checks and a refused tablet countersignature."""
    return run_checks(report_facts(report, versions)) + tablet_countersignature_flags(report)


def review_flags_of(reports: list[Report]) -> dict[int, list[Flag]]:
    """review_flags of a page of reports (report id -> flags), their corrections, the contents kept aside
    under their UUIDs and their premises and meters read once for the page, not once a report."""
    if not reports:
        return {}
    ids = [r.id for r in reports]
    corrections: dict[int, list[ReportVersion]] = {i: [] for i in ids}
    for version in db.session.scalars(select(ReportVersion).where(ReportVersion.report_id.in_(ids))
                                      .order_by(ReportVersion.report_id, ReportVersion.number)):
        corrections[version.report_id].append(version)
    quarantined = dict(db.session.execute(select(QuarantinedReport.uuid, func.count()).where(
        QuarantinedReport.uuid.in_({r.uuid for r in reports})).group_by(QuarantinedReport.uuid)).all())
    orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_({r.order_id for r in reports})))}
    # Held here, in the session's identity map (it keeps weak references only), where each order's point
    # and meter are then found without a query.
    points = list(db.session.scalars(select(DeliveryPoint).where(
        DeliveryPoint.id.in_({o.delivery_point_id for o in orders.values()}))))
    meters = list(db.session.scalars(select(Meter).where(Meter.id.in_({o.meter_id for o in orders.values() if o.meter_id}))))
    flags = {r.id: run_checks(report_facts(r, _version_views(r, corrections[r.id]), quarantined.get(r.uuid, 0)))
            + tablet_countersignature_flags(r) for r in reports}
    del points, meters
    return flags


def report_review(report_id: int) -> ReportReview:
    """Everything the report page shows, hashes re-verified now."""
    report = get_report(report_id)
    order = db.session.get(Order, report.order_id)
    versions = versions_of(report)
    seals = [SealView(cs, db.session.get(User, cs.chief_id), seal_verifies(seal_facts_of(report, cs), cs.seal_sha256))
             for cs in countersignatures_of(report)]
    history = [] if order.meter is None else list(db.session.scalars(
        select(Reading).where(Reading.meter_id == order.meter_id).order_by(Reading.read_on.desc()).limit(8)))
    quarantined = list(db.session.scalars(select(QuarantinedReport).where(QuarantinedReport.uuid == report.uuid)))
    return ReportReview(report, order, order.point, order.meter, db.session.get(User, report.technician_id),
                        versions, seals, review_flags(report, versions), history, quarantined, definition_of(report),
                        invoices_after(report, order), db.session.get(Device, report.device_id) if report.device_id else None)


def invoices_after(report: Report, order: Order) -> list[Invoice]:
    """The invoices its acceptance produced (closing, credit note, balance), for the page's documents."""
    if report.state != "accepted" or report.reviewed_at is None:
        return []
    contract_ids = select(Contract.id).where(Contract.delivery_point_id == order.delivery_point_id)
    return list(db.session.scalars(select(Invoice).where(Invoice.contract_id.in_(contract_ids),
                                                         Invoice.created_at >= report.reviewed_at)
                                   .order_by(Invoice.id)))


def countersignatures_of(report: Report) -> list[Countersignature]:
    return list(db.session.scalars(select(Countersignature).where(Countersignature.report_id == report.id)
                                   .order_by(Countersignature.id)))


def countersign_report(report_id: int, *, chief: User, signature: dict, now: datetime, channel: str = "web",
                       device_id: int | None = None, device_time: datetime | None = None) -> Countersignature:
    """E7/E11: the chief countersigns; the seal binds the current version and every signature."""
    report = get_report(report_id)
    if not may_countersign(chief, db.session.get(User, report.technician_id)):
        raise Forbidden("Seul le chef de section du technicien (ou un chef de la même activité) peut contresigner.")
    if report.state not in COUNTERSIGNABLE:
        raise IllegalTransition("Ce compte-rendu n'est pas en attente de contresignature.")
    if not signature.get("strokes"):
        raise DomainError("La signature est vide : signez dans le cadre.", {"signature": ["Signature requise."]})
    cs = Countersignature(report_id=report.id, version_number=versions_of(report)[-1].number, chief_id=chief.id,
                          channel=channel, device_id=device_id, device_time=in_utc(device_time), signed_at=in_utc(now),
                          signature={"sha256": signature.get("sha256"), "signer_name": signature.get("signer_name") or chief.name,
                                     "strokes": signature["strokes"]}, seal_sha256="")
    # Claim the report first: of two chiefs (or two page loads taking in a tablet signature) sealing at
    # once, the second waits for the first's transaction, then finds it countersigned.
    claimed = db.session.execute(update(Report).where(Report.id == report.id, Report.state.in_(COUNTERSIGNABLE))
                                 .values(state="countersigned").execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict("Ce compte-rendu vient d'être contresigné.")
    db.session.add(cs)
    db.session.flush()
    db.session.refresh(cs)  # seal what the database holds (SQLite gives times back without their zone)
    db.session.refresh(report)
    cs.seal_sha256 = seal_sha256(seal_facts_of(report, cs))
    report.state = "countersigned"
    if not report.conflict:  # a report on an order cancelled or now someone else's leaves that order alone
        set_order_state(report.order_id, "countersigned", user=chief, now=now)
    record("countersign_report", "report", report.id, user=chief, device_id=device_id, at=now,
           seal_sha256=cs.seal_sha256, version=cs.version_number, channel=channel)
    db.session.commit()
    return cs


def set_order_state(order_id: int, state: str, *, user: User | None, now: datetime) -> None:
    """The order follows its report (reported, countersigned); the tablet sees it at its next pull."""
    order = db.session.get(Order, order_id)
    if order.state not in ("cancelled", "closed") and order.state != state:
        record("order_state", "order", order.id, user=user, at=now, before=order.state, after=state)
        order.state = state
        touch_order(order)


def flagged(report: Report, code: str) -> bool:
    return any(isinstance(f, dict) and f.get("flag") == code for f in report.flags or [])


def tablet_countersignature_flags(report: Report) -> list[Flag]:
    if flagged(report, "countersignature_invalid"):
        reason = next(f.get("reason") for f in report.flags if isinstance(f, dict) and f.get("flag") == "countersignature_invalid")
        return [Flag("countersignature_invalid", "blocking",
                     "Contresignature faite sur la tablette refusée : "
                     f"{REFUSAL_LABELS.get(reason, REFUSAL_LABELS['not_allowed'])}. Le chef contresigne ici.")]
    return []
