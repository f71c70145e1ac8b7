"""Shared column conventions of the models: checked value lists and UTC timestamps."""
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """A database CHECK that keeps `column` within `values` (states as checked values)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=f"{column}_allowed")
