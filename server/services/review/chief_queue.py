"""The section chief's review queue (E7, E11): the reports waiting for their countersignature, gone
through one after the other; the ones the chief opened and judged clean are countersigned together with
one drawn signature, each report still sealed on its own (countersign_report, one seal per report)."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...errors import Forbidden, IllegalTransition
from ...extensions import db
from ...models import AuditEntry, Commune, DeliveryPoint, Order, Report, User
from ..base.audit import record
from ..base.countersigners import may_countersign
from ...sync_store import meter_facts
from .reports import COUNTERSIGNABLE, ReportReview, countersign_report, report_for, report_review, versions_of

QUEUE_LIMIT = 200
JUDGED = "report_judged_clean"


@dataclass
class QueueEntry:
    report_id: int
    order_ref: str
    technician: str


@dataclass
class BatchResult:
    sealed: list[str]                  # order references of the reports sealed
    left: list[tuple[str, str]]        # (order reference, why it was left out)


def chief_queue(chief: User, limit: int = QUEUE_LIMIT) -> list[QueueEntry]:
    """Reports of the chief's utility waiting for a countersignature this chief may give, oldest first."""
    query = (select(Report.id, Order.ref, User).join(Order, Report.order_id == Order.id)
             .join(DeliveryPoint, Order.delivery_point_id == DeliveryPoint.id).join(Commune)
             .join(User, Report.technician_id == User.id)
             .where(Report.state.in_(COUNTERSIGNABLE)).order_by(Report.received_at, Report.id).limit(limit))
    if chief.utility:
        query = query.where(Commune.utility == chief.utility)
    return [QueueEntry(rid, ref, tech.name) for rid, ref, tech in db.session.execute(query) if may_countersign(chief, tech)]


@dataclass
class ChiefReview:
    """One report of the queue as the chief reviews it, and where it stands in the queue."""
    review: ReportReview
    queue: list[QueueEntry]
    judged: list[int]
    plausible: tuple[int | None, int | None]
    previous: tuple[int | None, date | None] = (None, None)   # the meter's last index and its date

    @property
    def typed(self) -> int | None:
        value = (self.review.current.content.get("answers") or {}).get("index")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def position(self) -> int | None:
        ids = [e.report_id for e in self.queue]
        return ids.index(self.review.report.id) + 1 if self.review.report.id in ids else None

    def neighbour(self, step: int) -> int | None:
        """The report before (-1) or after (+1) this one in the queue."""
        ids = [e.report_id for e in self.queue]
        if self.review.report.id not in ids:
            return ids[0] if ids and step > 0 else None
        at = ids.index(self.review.report.id) + step
        return ids[at] if 0 <= at < len(ids) else None

    @property
    def next_unjudged(self) -> int | None:
        """The next report after this one the chief has not judged yet (wrapping round), if any."""
        ids = [e.report_id for e in self.queue]
        start = ids.index(self.review.report.id) + 1 if self.review.report.id in ids else 0
        return next((i for i in ids[start:] + ids[:start] if i not in self.judged and i != self.review.report.id), None)

    @property
    def in_range(self) -> bool | None:
        low, high = self.plausible
        if self.typed is None or low is None:
            return None
        return low <= self.typed <= (high if high is not None else self.typed)


def chief_review(report_id: int, chief: User) -> ChiefReview:
    """The report as the chief reviews it in the queue (refused when it is of another utility)."""
    report = report_for(report_id, chief)
    review = report_review(report_id)
    facts = meter_facts(review.meter, report.received_at.date()) or {}
    queue = chief_queue(chief)
    return ChiefReview(review, queue, judged_clean(chief, [e.report_id for e in queue]),
                       (facts.get("plausible_min"), facts.get("plausible_max")),
                       (facts.get("previous_index"),
                        date.fromisoformat(facts["previous_date"][:10]) if facts.get("previous_date") else None))


def judge_clean(report_id: int, *, chief: User, now: datetime) -> int | None:
    """The chief opened this report and found nothing wrong: it joins the batch to countersign. The
    judgement holds for the version read (a correction afterwards needs a new look). Returns the next
    report of the queue the chief has not judged yet, if any."""
    report = report_for(report_id, chief)
    if not may_countersign(chief, db.session.get(User, report.technician_id)):
        raise Forbidden("Seul le chef de section du technicien (ou un chef de la même activité) peut contresigner.")
    if report.state not in COUNTERSIGNABLE:
        raise IllegalTransition("Ce compte-rendu n'est pas en attente de contresignature.")
    record(JUDGED, "report", report.id, user=chief, at=now, content_sha256=versions_of(report)[-1].content_sha256)
    db.session.commit()
    return chief_review(report_id, chief).next_unjudged


def judged_clean(chief: User, report_ids: list[int] | None = None) -> list[int]:
    """The reports still waiting that this chief judged clean in the version they read, oldest first."""
    query = (select(AuditEntry.object_id, AuditEntry.details).where(AuditEntry.action == JUDGED,
             AuditEntry.object_type == "report", AuditEntry.user_id == chief.id))
    if report_ids is not None:
        query = query.where(AuditEntry.object_id.in_([str(i) for i in report_ids]))
    seen: dict[int, set[str]] = {}
    for object_id, details in db.session.execute(query):
        seen.setdefault(int(object_id), set()).add((details or {}).get("content_sha256"))
    reports = db.session.scalars(select(Report).where(Report.id.in_(seen), Report.state.in_(COUNTERSIGNABLE))
                                 .order_by(Report.received_at, Report.id))
    return [r.id for r in reports if versions_of(r)[-1].content_sha256 in seen[r.id]]


def countersign_judged(report_ids: list[int], *, chief: User, signature: dict, now: datetime) -> BatchResult:
    """One drawn signature for every report of `report_ids` the chief judged clean; each is sealed on its
    own (its own countersignature, seal and audit entry). The others are left out, with the reason."""
    clean = set(judged_clean(chief, report_ids))
    result = BatchResult([], [])
    for report_id in report_ids:
        report = db.session.get(Report, report_id)
        ref = db.session.get(Order, report.order_id).ref if report else str(report_id)
        if report is None or report.state not in COUNTERSIGNABLE:
            result.left.append((ref, "déjà contresigné ou plus en attente"))
        elif report_id not in clean:
            result.left.append((ref, "pas encore relu et jugé bon dans sa version actuelle"))
        else:
            countersign_report(report_id, chief=chief, signature=dict(signature), now=now)
            result.sealed.append(ref)
    return result
