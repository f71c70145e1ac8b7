"""The back office's decision on a countersigned report: accept (the rules of DESIGN.md §4 apply, see
services.outcomes), reject with a reason (the order is issued again), bulk accept of clean reports."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_, update

from ...errors import DomainError, IllegalTransition
from ...extensions import db
from ...models import Order, Report, User
from ..base.audit import record
from ..dossiers.orders import issue_order, touch_order
from ..dossiers.dossiers import add_event
from ..dossiers.dossiers import close_when_done, finish_return_task
from .outcomes import apply_report_outcome, dossier_of
from .arrivals import absorb_synced_reports, moves_its_order
from .reports import in_utility, report_for, review_flags_of, versions_of


def countersignature_required(order: Order) -> bool:
    """E7, E11 and DESIGN.md §5 step 4: every field report counts only once the chief countersigned it."""
    return True


def accept_report(report_id: int, *, user: User, now: datetime) -> list[str]:
    """Accept the report's current version and apply the rules; returns what was done (French)."""
    report = report_for(report_id, user)
    order = db.session.get(Order, report.order_id)
    if report.state == "awaiting_blobs":
        raise IllegalTransition("Des photos ou signatures de ce compte-rendu ne sont pas encore arrivées du terminal.")
    if report.state == "received" and countersignature_required(order):
        raise IllegalTransition("Le compte-rendu doit d'abord être contresigné par le chef de section (E7).")
    if report.state not in ("received", "countersigned"):
        raise IllegalTransition("Ce compte-rendu a déjà été traité.")
    claim_decision(report, ("countersigned",), "accepted")
    content = versions_of(report)[-1].content
    if report.conflict or order.state == "cancelled":
        effects = ["Ordre annulé ou réaffecté entre-temps : compte-rendu classé sans effet sur le dossier."]
    else:
        note_acceptance(order, user=user, now=now)
        effects = apply_report_outcome(report, order, content, user=user, now=now)
    if moves_its_order(report):
        finish_return_task(order, now=now)
    _close(report, order, "accepted", user, now)
    if close_when_done(dossier_of(order, "DEP"), user=user, now=now):
        effects.append("Résiliation terminée : dossier clos (E11, E12).")
    record("accept_report", "report", report.id, user=user, at=now, effects=effects)
    db.session.commit()
    return effects


def note_acceptance(order: Order, *, user: User, now: datetime) -> None:
    """The DEP's timeline says the field report was accepted (what it changed follows as its own events)."""
    dep = dossier_of(order, "DEP")
    if dep is not None:
        add_event(dep, "report_accepted", f"Compte-rendu de l'ordre {order.ref} ({order.label}) accepté.", user, now)


def reject_report(report_id: int, *, user: User, reason: str, now: datetime) -> Order | None:
    """Reject with a reason: the report is kept as evidence, the order is issued again for the field
    (not for a conflict report: its order is cancelled or someone else's, so None is returned)."""
    report = report_for(report_id, user)
    if report.state not in ("received", "countersigned", "awaiting_blobs"):
        raise IllegalTransition("Ce compte-rendu a déjà été traité.")
    if not reason.strip():
        raise DomainError("Le motif du rejet est obligatoire.", {"reason": ["Motif requis."]})
    claim_decision(report, ("received", "countersigned", "awaiting_blobs"), "rejected")
    order = db.session.get(Order, report.order_id)
    if not moves_its_order(report):  # the order is cancelled or with its new holder: nothing to issue again
        report.review_note = reason.strip()
        _close(report, order, "rejected", user, now)
        record("reject_report", "report", report.id, user=user, at=now, reason=reason, reissued_order_id=None)
        db.session.commit()
        return None
    again = issue_order(order.type, order.point, now=now, dossier=None, planned_date=now.date(),
                        travel_fee=order.travel_fee, code=order.code, requester_name=order.requester_name,
                        requester_identity=order.requester_identity, contract_id=order.contract_id, user=user,
                        instructions=f"Ordre ré-émis après rejet du compte-rendu de {order.ref} : {reason.strip()}")
    again.dossier_id = order.dossier_id
    report.review_note = reason.strip()
    _close(report, order, "rejected", user, now)
    record("reject_report", "report", report.id, user=user, at=now, reason=reason, reissued_order_id=again.id)
    db.session.commit()
    return again


def claim_decision(report: Report, states: tuple[str, ...], decided: str) -> None:
    """Take the decision in the database first: of two agents deciding at once, the second waits for the
    first's transaction and then finds the report decided (no rules applied twice, no second invoice)."""
    done = db.session.execute(update(Report).where(Report.id == report.id, Report.state.in_(states))
                              .values(state=decided).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise IllegalTransition("Ce compte-rendu vient d'être traité par quelqu'un d'autre.")


def _close(report: Report, order: Order, state: str, user: User, now: datetime) -> None:
    report.state = state
    report.reviewed_by_id, report.reviewed_at = user.id, now
    if order.state != "cancelled" and moves_its_order(report):
        order.state = "closed"
        touch_order(order)


BULK_EXAMINED = 400  # countersigned reports one bulk acceptance looks at, oldest first: the request stays short
BULK_BATCH = 100  # read with their flags this many at a time


def countersigned_with_flags(utility: str | None, *, after: tuple | None = None,
                             limit: int = BULK_BATCH) -> list[tuple[Report, list]]:
    """Countersigned reports of the utility, oldest first (after the (received_at, id) given), with their
    review flags: one batch of them."""
    reports = list(db.session.scalars(_countersigned(utility, after).limit(limit)))
    flags = review_flags_of(reports)
    return [(r, flags[r.id]) for r in reports]


def _countersigned(utility: str | None, after: tuple | None):
    query = in_utility(select(Report).join(Order, Report.order_id == Order.id).where(Report.state == "countersigned")
                       .order_by(Report.received_at, Report.id), utility)
    if after is not None:
        query = query.where(tuple_(Report.received_at, Report.id) > after)
    return query


@dataclass
class BulkAcceptance:
    accepted: int
    left: list[tuple[str, str]]      # (order reference, why it was left for a look)
    more: bool = False               # countersigned reports remain past those looked at: another run goes on


def bulk_accept_clean(*, user: User, now: datetime, examined: int = BULK_EXAMINED) -> BulkAcceptance:
    """Accept the clean countersigned reports of the user's utility, each in its own transaction, among
    the `examined` oldest; say why each other one was left out (its flags, or the rule that refused it),
    and whether more remain to look at."""
    absorb_synced_reports(now)
    result, after, seen = BulkAcceptance(0, []), None, 0
    while seen < examined:
        batch = countersigned_with_flags(user.utility, after=after, limit=min(BULK_BATCH, examined - seen))
        if not batch:
            return result
        seen += len(batch)
        after = (batch[-1][0].received_at, batch[-1][0].id)
        orders = {o.id: o.ref for o in db.session.execute(
            select(Order.id, Order.ref).where(Order.id.in_({r.order_id for r, _ in batch})))}
        for report, flags in batch:
            ref = orders[report.order_id]
            if flags:
                result.left.append((ref, " ; ".join(f.message for f in flags)))
                continue
            try:
                accept_report(report.id, user=user, now=now)
                result.accepted += 1
            except DomainError as refusal:  # a rule refused this one (e.g. taken over meanwhile): left for a look
                db.session.rollback()
                result.left.append((ref, str(refusal)))
    result.more = db.session.scalars(_countersigned(user.utility, after).limit(1)).first() is not None
    return result


