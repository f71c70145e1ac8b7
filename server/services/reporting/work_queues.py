"""Each office role's work queue on landing: what waits for them, how many (indexed COUNTs capped by a
LIMIT, cheap at a utility's scale), since when, and where to go to work on it."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from ...models import Commune, Contract, DeliveryPoint, Dossier, Invoice, Order, Payment, Report, Task, User
from ..dossiers.deadlines import overdue_on
from ..dossiers.tasks import visible_roles

COUNT_CAP = 1000


@dataclass(frozen=True)
class WorkItem:
    key: str
    label: str
    count: int
    capped: bool
    oldest: date | None
    url: str


def _scoped_reports(states: tuple[str, ...], user: User):
    query = (select(Report.received_at.label("since")).join(Order, Report.order_id == Order.id)
             .join(DeliveryPoint, Order.delivery_point_id == DeliveryPoint.id).join(Commune)
             .where(Report.state.in_(states)))
    return query.where(Commune.utility == user.utility) if user.utility and user.role != "admin" else query


def _scoped_invoices(user: User):
    query = (select(Invoice.created_at.label("since")).join(Contract, Invoice.contract_id == Contract.id)
             .join(DeliveryPoint, Contract.delivery_point_id == DeliveryPoint.id).join(Commune))
    return query.where(Commune.utility == user.utility) if user.utility and user.role != "admin" else query


def _queries(user: User, today: date) -> dict:
    """key -> (label, query selecting a `since` column, url, roles)."""
    dossiers = select(Dossier.requested_on.label("since")).where(overdue_on(today))
    if user.utility and user.role != "admin":
        dossiers = dossiers.where(Dossier.utility == user.utility)
    refunds = select(Payment.invoice_id).where(Payment.direction == "refund")
    return {
        "to_countersign": ("Comptes-rendus à contresigner", _scoped_reports(("received",), user), "/reports/review", ("chief",)),
        "to_accept": ("Comptes-rendus contresignés à accepter", _scoped_reports(("countersigned",), user), "/reports",
                      ("agent", "admin")),
        "flagged": ("Comptes-rendus signalés (conflit ou photos manquantes)",
                    _scoped_reports(("awaiting_blobs", "received", "countersigned"), user).where(
                        (Report.conflict.isnot(None)) | (Report.state == "awaiting_blobs")), "/reports",
                    ("agent", "chief", "admin")),
        "dossiers_overdue": ("Dossiers en retard sur leur calendrier", dossiers, "/dossiers?late=1",
                             ("agent", "chief", "admin")),
        "tasks_due": ("Tâches à faire aujourd'hui ou en retard", select(Task.due_on.label("since")).where(
            Task.state == "open", Task.role.in_(visible_roles(user)), Task.due_on <= today), "/tasks",
            ("agent", "chief", "controller", "cashier", "admin")),
        "invoices_to_control": ("Factures à contrôler", _scoped_invoices(user).where(Invoice.state.in_(("draft", "checked"))),
                                "/invoices/control", ("controller", "admin")),
        "balances_at_cashier": ("Soldes à régler au guichet", _scoped_invoices(user).where(
            Invoice.state == "issued", Invoice.total > 0, Invoice.kind.in_(("closing", "balance", "subscription"))),
            "/cashier", ("cashier", "admin")),
        "transfers_to_send": ("Remboursements par virement à émettre", _scoped_invoices(user).where(
            Invoice.state == "issued", Invoice.total < 0, Invoice.id.not_in(refunds)), "/invoices/transfers",
            ("agent", "admin")),
    }


def work_queue(user: User, today: date) -> list[WorkItem]:
    """What waits for this user's role, in the order they work on it; each count capped at COUNT_CAP."""
    items = []
    for key, (label, query, url, roles) in _queries(user, today).items():
        if user.role not in roles:
            continue
        capped = query.limit(COUNT_CAP + 1).subquery()
        count, oldest = db.session.execute(select(func.count(), func.min(capped.c.since)).select_from(capped)).one()
        items.append(WorkItem(key, label, min(count, COUNT_CAP), count > COUNT_CAP,
                              oldest.date() if hasattr(oldest, "date") and callable(oldest.date) else oldest, url))
    return items
