"""Small accessors over the demo data for the procedure tests: contracts, users, clock."""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select, update

from server.extensions import db
from server.models import Communication, Contract, Dossier, Letter, Order, Task, User


def park_demo_timers() -> None:
    """Stop the timers of the dossiers loaded with the demo data (tests count what they do themselves)."""
    db.session.execute(update(Dossier).values(due_on=None, step="demo"))
    db.session.commit()


def withdraw_demo_orders() -> None:
    """Cancel the day's demo orders: a termination taken while an order is planned on the point waits for it
    (W17), and the procedure tests take their departures on demo points."""
    db.session.execute(update(Order).where(Order.state.in_(("issued", "assigned"))).values(state="cancelled"))
    db.session.commit()


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def today() -> date:
    return date.today()


def days(n: int) -> timedelta:
    return timedelta(days=n)


def contract(number: str) -> Contract:
    return db.session.scalar(select(Contract).where(Contract.number == number))


def user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def dossiers_of(contract_id: int, dossier_type: str) -> list[Dossier]:
    return list(db.session.scalars(select(Dossier).where(Dossier.contract_id == contract_id,
                                                         Dossier.type == dossier_type).order_by(Dossier.id)))


def arrival_at(point_id: int) -> Dossier | None:
    return db.session.scalar(select(Dossier).where(Dossier.delivery_point_id == point_id, Dossier.type == "ASI")
                             .order_by(Dossier.id.desc()))


def orders_of(dossier_id: int, order_type: str | None = None) -> list[Order]:
    query = select(Order).where(Order.dossier_id == dossier_id)
    if order_type:
        query = query.where(Order.type == order_type)
    return list(db.session.scalars(query.order_by(Order.id)))


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def tasks_of(dossier_id: int) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.dossier_id == dossier_id).order_by(Task.id)))


__all__ = ["Communication", "Letter"]
