"""Gap-tolerant named counters for document numbers and the orders' change sequence."""
from sqlalchemy import select, update

from ...extensions import db
from ...models import Counter


def next_value(name: str) -> int:
    """Bump and return the counter inside the current transaction (row lock on PostgreSQL)."""
    bumped = db.session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if bumped is None:
        db.session.add(Counter(name=name, value=1))
        db.session.flush()
        return 1
    return bumped


def next_ref(prefix: str, width: int = 7) -> str:
    """A human reference such as DSI0000042."""
    return f"{prefix}{next_value('ref:' + prefix):0{width}d}"


def current_value(name: str) -> int:
    return db.session.scalar(select(Counter.value).where(Counter.name == name)) or 0
