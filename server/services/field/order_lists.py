"""The office list of intervention orders, filterable by type, state, commune, date and assignee."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ..base.paging import scalars_page
from ..rules.paging import FIRST_PAGE, Page, PageRequest
from ...models import Commune, DeliveryPoint, Dossier, Order, Report, User
from ..base import scope

STATE_LABELS = {"issued": "émis", "assigned": "affecté", "reported": "compte-rendu reçu",
                "countersigned": "contresigné", "closed": "clos", "cancelled": "annulé"}


@dataclass
class OrderFilters:
    type: str | None = None
    state: str | None = None
    commune_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    assignee_id: int | None = None   # 0 means "not assigned"


def search_orders(filters: OrderFilters, utility: str | None = None, page: PageRequest = FIRST_PAGE) -> Page[Order]:
    """Orders matching every given filter, the latest planned first, one page of them."""
    query = select(Order).join(DeliveryPoint, Order.delivery_point_id == DeliveryPoint.id)
    if utility:
        query = query.join(Commune, DeliveryPoint.commune_id == Commune.id).where(Commune.utility == utility)
    if filters.type:
        query = query.where(Order.type == filters.type)
    if filters.state:
        query = query.where(Order.state == filters.state)
    if filters.commune_id:
        query = query.where(DeliveryPoint.commune_id == filters.commune_id)
    if filters.date_from:
        query = query.where(Order.planned_date >= filters.date_from)
    if filters.date_to:
        query = query.where(Order.planned_date <= filters.date_to)
    if filters.assignee_id is not None:
        query = query.where(Order.assignee_id.is_(None) if filters.assignee_id == 0 else Order.assignee_id == filters.assignee_id)
    query = query.options(joinedload(Order.point).joinedload(DeliveryPoint.commune))  # the page's addresses, one query
    return scalars_page(query.order_by(Order.planned_date.desc(), Order.id.desc()), page)


def filter_choices(utility: str | None = None) -> dict:
    """Communes and technicians for the filter drop-downs (of the user's utility when they have one)."""
    communes = select(Commune).order_by(Commune.name)
    technicians = select(User).where(User.role == "technician").order_by(User.name)
    if utility:
        communes, technicians = communes.where(Commune.utility == utility), technicians.where(User.utility == utility)
    return {"communes": list(db.session.scalars(communes)), "technicians": list(db.session.scalars(technicians))}


def names_of_users(orders: list[Order]) -> dict[int, str]:
    ids = {o.assignee_id for o in orders if o.assignee_id}
    return {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


@dataclass
class OrderPage:
    order: Order
    dossier: Dossier | None
    assignee: User | None
    reports: list[Report]


def order_page(order_id: int, user: User) -> OrderPage:
    """The order, if the user may see it (services.base.scope), with its dossier, assignee and reports."""
    order = scope.fetch(user, Order, order_id)
    reports = list(db.session.scalars(select(Report).where(Report.order_id == order.id).order_by(Report.id)))
    return OrderPage(order, db.session.get(Dossier, order.dossier_id) if order.dossier_id else None,
                     db.session.get(User, order.assignee_id) if order.assignee_id else None, reports)
