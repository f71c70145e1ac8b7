"""The audit trail of state changes (who, when, from which device)."""
from datetime import datetime

from ...extensions import db
from ...models import AuditEntry, User


def record(action: str, object_type: str, object_id, *, user: User | None = None,
           device_id: int | None = None, at: datetime | None = None, **details) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    entry = AuditEntry(action=action, object_type=object_type,
                       object_id=None if object_id is None else str(object_id),
                       user_id=user.id if user else None, device_id=device_id, details=details)
    if at is not None:
        entry.at = at
    db.session.add(entry)
    return entry
