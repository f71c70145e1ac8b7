"""The chief's day board: orders per technician (unassigned, assigned, on the tablet, done,
countersigned), assignment, round order, appointment windows, cancellation, and the team's live
progress from what has synced. Every change goes through services.orders so the tablet sees it at
its next pull (tombstones for what left it)."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager

from ...errors import DomainError, Forbidden
from ...extensions import db
from ...local_time import in_utility_zone, utility_zone
from ...models import Commune, DeliveryPoint, Device, Order, Report, User
from ..base.audit import record
from ..closing.deferrals import resume_deferred_terminations
from ..rules.paging import Page, PageRequest
from ..dossiers.orders import assign_order, cancel_order, get_order, touch_order
from ..review.arrivals import absorb_synced_reports

COLUMNS = ("assigned", "on_tablet", "done", "countersigned")
COLUMN_LABELS = {"unassigned": "Non affectés", "assigned": "Affectés", "on_tablet": "Sur la tablette",
                 "done": "Réalisés", "countersigned": "Contresignés"}
ACTIVE_STATES = ("issued", "assigned", "reported", "countersigned", "closed")
ROUNDS_PER_PAGE = 5  # technicians' rounds a page of the board shows
UNASSIGNED_PER_PAGE = 20  # unassigned orders a page shows, each with the team to choose from
COLUMN_SHOWN = 25  # orders a column of a round shows on the board; the rest on the technician's own pages


@dataclass
class Round:
    technician: User
    last_sync_at: datetime | None
    orders: dict = field(default_factory=lambda: {c: [] for c in COLUMNS})
    counts: dict = field(default_factory=dict)  # orders in each column, `orders` holding a page of them

    def count(self, column: str) -> int:
        return self.counts.get(column, len(self.orders[column]))

    def hidden(self, column: str) -> int:
        """Orders of the column not on this page."""
        return self.count(column) - len(self.orders[column])

    @property
    def total(self) -> int:
        return sum(self.count(c) for c in COLUMNS)

    @property
    def finished(self) -> int:
        return self.count("done") + self.count("countersigned")

    @property
    def ordered(self) -> list[Order]:
        return sorted((o for c in ("assigned", "on_tablet") for o in self.orders[c]), key=lambda o: o.round_position)


@dataclass
class DayBoard:
    day: date
    unassigned: list[Order]
    rounds: list[Round]
    technicians: list[User]
    report_of: dict = field(default_factory=dict)  # order id -> its latest report id
    page: Page = field(default_factory=Page)  # rounds and unassigned orders are paged together
    technician: User | None = None  # the board of one technician's round, its columns paged


def utility_of_user(user: User) -> str | None:
    return user.utility if user.role != "admin" else None


def team_of(chief: User) -> list[User]:
    """Technicians of the chief's section (their chief, or the same utility); all of them for an admin."""
    query = select(User).where(User.role == "technician", User.active.is_(True)).order_by(User.name)
    if utility_of_user(chief):
        query = query.where((User.chief_id == chief.id) | (User.utility == chief.utility))
    return list(db.session.scalars(query))


def _day_orders_found(day: date, *, assignees: list[int] | None = None, unassigned: bool = False) -> list:
    """What places the day's orders on the board, in round order: rows of (id, state, change_seq,
    assignee_id, report_id: the latest report, a late one flagged as a conflict not being the holder's).
    Found on the orders table alone (still to do from this day or before, or planned this day whatever
    became of it: two index ranges); the latest report is one index probe per order, where a join would
    read every report of the busy days."""
    latest = select(func.max(Report.id)).where(Report.order_id == Order.id, Report.conflict.is_(None)).scalar_subquery()
    found = select(Order.id, Order.state, Order.change_seq, Order.assignee_id, latest.label("report_id")).where(
        or_(and_(Order.state.in_(("issued", "assigned")), Order.planned_date <= day),
            and_(Order.state.in_(ACTIVE_STATES), Order.planned_date == day))).order_by(Order.round_position, Order.id)
    if assignees is not None:
        found = found.where(Order.assignee_id.in_(assignees))
    if unassigned:
        found = found.where(Order.assignee_id.is_(None))
    return db.session.execute(found).all()


def _orders_by_id(ids: list[int], utility: str | None, page: PageRequest | None = None) -> list[Order]:
    """The orders of the utility among `ids`, in round order, with their premises and commune loaded in
    the same query (read after the ids: a join first would make SQLite walk every premises of the utility)."""
    if not ids:
        return []
    query = (select(Order).join(DeliveryPoint, Order.delivery_point_id == DeliveryPoint.id).join(Commune)
             .options(contains_eager(Order.point).contains_eager(DeliveryPoint.commune))
             .where(Order.id.in_(ids)).order_by(Order.round_position, Order.id))
    if utility:
        query = query.where(Commune.utility == utility)
    if page is not None:
        query = query.offset(page.offset).limit(page.fetch)
    return list(db.session.scalars(query))


def _orders_of_day(utility: str | None, day: date, *, assignees: list[int] | None = None,
                   unassigned: bool = False, page: PageRequest | None = None) -> list[Order]:
    """The day's orders of the given technicians, or (a page of) the unassigned ones."""
    found = _day_orders_found(day, assignees=assignees, unassigned=unassigned)
    return _orders_by_id([row.id for row in found], utility, page)


def _last_syncs(technician_ids: list[int]) -> dict[int, tuple[datetime | None, int | None]]:
    """Technician -> (last sync time, highest delivery receipt) over their tablets still enrolled."""
    rows = db.session.execute(select(Device.user_id, func.max(Device.last_sync_at), func.max(Device.delivered_seq))
                              .where(Device.user_id.in_(technician_ids), Device.revoked_at.is_(None))
                              .group_by(Device.user_id))
    return {user_id: (at, seq) for user_id, at, seq in rows}


def column_of(order, reported, delivered_seq: int | None) -> str:
    """Where an assigned order (an Order, or a row of its id, state and change_seq) stands: countersigned,
    done (a report synced), on the tablet (the technician's tablet handed back a cursor covering the
    order's last change), else assigned."""
    if order.state in ("countersigned", "closed"):
        return "countersigned"
    if order.state == "reported" or order.id in reported:
        return "done"
    if delivered_seq is not None and order.change_seq <= delivered_seq:
        return "on_tablet"
    return "assigned"


def day_board(chief: User, day: date, *, now: datetime, page: PageRequest | None = None,
              rounds_per_page: int = ROUNDS_PER_PAGE, technician_id: int | None = None) -> DayBoard:
    """The board of the chief's section for a day, with what has synced so far. With `page` (the office
    page), one page of the technicians' rounds, their columns cut at COLUMN_SHOWN orders, and one page of
    the unassigned orders; with `technician_id` too, that technician's round alone, its columns paged;
    without `page`, everything (the planner)."""
    absorb_synced_reports(now)
    team = team_of(chief)
    utility = utility_of_user(chief)
    technician = next((t for t in team if t.id == technician_id), None) if technician_id is not None else None
    if technician_id is not None and technician is None:
        raise Forbidden("Ce technicien n'est pas dans votre équipe.")
    if page is None:
        shown, more_rounds = team, False
        free = Page(_orders_of_day(utility, day, unassigned=True), 1, False)
    elif technician is not None:
        shown, more_rounds, free = [technician], False, Page([], page.number, False)
    else:
        shown = team[(page.number - 1) * rounds_per_page:page.number * rounds_per_page]
        more_rounds = len(team) > page.number * rounds_per_page
        free = Page.of(_orders_of_day(utility, day, unassigned=True, page=page), page)
    found = _day_orders_found(day, assignees=[t.id for t in shown])
    report_of = {row.id: row.report_id for row in found if row.report_id is not None}
    syncs = _last_syncs([t.id for t in shown])
    placed = {t.id: {c: [] for c in COLUMNS} for t in shown}  # ids first: only the orders shown are read whole
    for row in found:
        if row.assignee_id in placed:
            placed[row.assignee_id][column_of(row, report_of, syncs.get(row.assignee_id, (None, None))[1])].append(row.id)
    counts = {t: {c: len(ids) for c, ids in columns.items()} for t, columns in placed.items()}
    if page is not None:  # COLUMN_SHOWN of each column, from the page's first on one technician's board
        first = (page.number - 1) * COLUMN_SHOWN if technician is not None else 0
        more_rounds |= technician is not None and any(n > first + COLUMN_SHOWN for c in counts.values() for n in c.values())
        placed = {t: {c: ids[first:first + COLUMN_SHOWN] for c, ids in columns.items()} for t, columns in placed.items()}
    orders = {o.id: o for o in _orders_by_id([i for columns in placed.values() for ids in columns.values() for i in ids],
                                             utility)}
    rounds = [Round(t, syncs.get(t.id, (None, None))[0],
                    {c: [orders[i] for i in ids if i in orders] for c, ids in placed[t.id].items()},
                    counts[t.id]) for t in shown]
    return DayBoard(day, free.items, rounds, team, report_of, Page([], free.number, free.has_next or more_rounds),
                    technician)


@dataclass
class OrderPlanning:
    """One order of the board with what the chief may change: its technician, window, cancellation."""
    order: Order
    team: list[User]
    window: str | None

    @property
    def plannable(self) -> bool:
        return self.order.state in ("issued", "assigned")


def order_to_plan(order_id: int, *, chief: User) -> OrderPlanning:
    order = get_order(order_id)
    _check_scope(chief, order)
    return OrderPlanning(order, team_of(chief), window_label(order))


def _check_scope(chief: User, order: Order, technician_id: int | None = None) -> None:
    """A chief plans only the orders and technicians of their own utility."""
    utility = utility_of_user(chief)
    if utility and order.point.commune.utility != utility:
        raise Forbidden("Cet ordre relève d'une autre activité.")
    if technician_id is not None and technician_id not in {t.id for t in team_of(chief)}:
        raise Forbidden("Ce technicien n'est pas dans votre équipe.")


def assign(order_id: int, technician_id: int | None, *, chief: User, now: datetime) -> Order:
    """Assign or reassign (None: take back); the order goes last in the technician's round."""
    order = get_order(order_id)
    _check_scope(chief, order, technician_id)
    position = None
    if technician_id is not None and technician_id != order.assignee_id:
        position = 1 + (db.session.scalar(select(func.max(Order.round_position)).where(
            Order.assignee_id == technician_id, Order.state == "assigned")) or 0)
    return assign_order(order_id, technician_id, by=chief, now=now, position=position)


def reorder_round(technician_id: int, order_ids: list[int], *, chief: User, now: datetime) -> None:
    """Set the round's order: positions 1..n in the given order; only changed orders are touched."""
    for position, order_id in enumerate(order_ids, start=1):
        order = get_order(order_id)
        _check_scope(chief, order, technician_id)
        if order.assignee_id != technician_id:
            raise DomainError("Cet ordre n'est pas dans la tournée de ce technicien.")
        if order.round_position != position:
            order.round_position = position
            touch_order(order)
            record("reorder_round", "order", order.id, user=chief, at=now, position=position)
    db.session.commit()


def move_in_round(order_id: int, step: int, *, chief: User, now: datetime, day: date) -> None:
    """Move an order one place up (-1) or down (+1) in its technician's round of the day."""
    order = get_order(order_id)
    technicians = [t.id for t in team_of(chief)]
    shown = [order.assignee_id] if order.assignee_id in technicians else []
    found = _day_orders_found(day, assignees=shown)
    reported = {row.id for row in found if row.report_id is not None}
    ids = [row.id for row in found if column_of(row, reported, None) == "assigned"]
    if order.id not in ids:
        raise DomainError("Seul un ordre non réalisé de la tournée se déplace.")
    i = ids.index(order.id)
    j = max(0, min(len(ids) - 1, i + step))
    ids[i], ids[j] = ids[j], ids[i]
    reorder_round(order.assignee_id, ids, chief=chief, now=now)


def set_window(order_id: int, start: datetime | None, end: datetime | None, *, chief: User, now: datetime) -> Order:
    """An appointment window (both ends, or none to clear it)."""
    order = get_order(order_id)
    _check_scope(chief, order)
    if (start is None) != (end is None) or (start and end <= start):
        raise DomainError("Le créneau doit avoir un début et une fin, la fin après le début.",
                          {"window_end": ["Créneau invalide."]})
    if order.state not in ("issued", "assigned"):
        raise DomainError("Cet ordre n'est plus modifiable.")
    # Stored in UTC: SQLite keeps no offset, and the pull reads a zone-less time as UTC.
    order.window_start, order.window_end = (m.astimezone(timezone.utc) if m else None for m in (start, end))
    touch_order(order)
    record("set_window", "order", order.id, user=chief, at=now, start=start.isoformat() if start else None,
           end=end.isoformat() if end else None)
    db.session.commit()
    return order


def window_label(order: Order) -> str | None:
    """The appointment window in the utility's local time, e.g. "09:00–11:00"."""
    if order.window_start is None or order.window_end is None:
        return None
    start, end = (in_utility_zone(m, order.point.commune.utility) for m in (order.window_start, order.window_end))
    return f"{start:%H:%M}–{end:%H:%M}"


def set_window_times(order_id: int, start: str | None, end: str | None, *, chief: User, now: datetime) -> Order:
    """A window given as HH:MM on the planned day, in the utility's local time."""
    order = get_order(order_id)
    if not start and not end:
        return set_window(order_id, None, None, chief=chief, now=now)
    zone = utility_zone(order.point.commune.utility)
    day = order.planned_date or now.date()
    moments = [datetime.combine(day, time.fromisoformat(t), tzinfo=zone) if t else None for t in (start, end)]
    return set_window(order_id, moments[0], moments[1], chief=chief, now=now)


def cancel(order_id: int, reason: str, *, chief: User, now: datetime) -> Order:
    """Cancel an order; its tablet receives a tombstone at the next pull."""
    order = get_order(order_id)
    _check_scope(chief, order)
    if not reason.strip():
        raise DomainError("Le motif d'annulation est obligatoire.", {"reason": ["Motif requis."]})
    cancel_order(order, reason=reason.strip(), now=now, user=chief)
    resume_deferred_terminations(order, why=f"annulée ({reason.strip()})", user=chief, now=now)
    db.session.commit()
    return order
