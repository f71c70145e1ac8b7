"""Every flush that adds or changes a reading, a contract, an invoice, a delivery point or a payment appends
export events, numbered from the "exports" counter under its row lock (held to the commit): the feed pages
on that number in commit order. Bulk loads (demo data, imports) write through Core, not the ORM, and stay
out of the feed: they come from the utility's own system."""
from sqlalchemy import event, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ...models import Contract, DeliveryPoint, ExportEvent, Invoice, Payment, Reading
from ...models.audit import Counter
from ...models.base import utcnow

WATCHED = {Reading: "readings", Contract: "contracts", Invoice: "invoices", DeliveryPoint: "points",
           Payment: "payments"}
COUNTER = "exports"


def install_export_capture() -> None:
    """Listen to every session's flushes (create_app calls it; listening twice is harmless)."""
    if not event.contains(Session, "after_flush", _capture):
        event.listen(Session, "after_flush", _capture)


def _capture(session: Session, flush_context) -> None:
    touched = []
    for instance in list(session.new) + list(session.dirty):
        object_type = WATCHED.get(type(instance))
        if object_type and (instance in session.new or session.is_modified(instance, include_collections=False)):
            touched.append((object_type, instance.id))
    if not touched:
        return
    connection = session.connection()
    bump = update(Counter.__table__).where(Counter.name == COUNTER) \
        .values(value=Counter.value + len(touched)).returning(Counter.value)
    last = connection.execute(bump).scalar()
    if last is None:  # the first change ever: create the counter (concurrent first writers wait on it)
        dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(dialect_insert(Counter.__table__).values(name=COUNTER, value=0).on_conflict_do_nothing())
        last = connection.execute(bump).scalar()
    first = last - len(touched) + 1
    now = utcnow()
    connection.execute(insert(ExportEvent.__table__), [
        {"seq": first + n, "object_type": object_type, "object_id": object_id, "at": now}
        for n, (object_type, object_id) in enumerate(touched)])
