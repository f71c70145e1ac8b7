"""Text lookups an index can serve, per database: prefix matches of codes (references, serials, contract
and invoice numbers) and name searches (trigram "contains" on PostgreSQL, lower-case prefix on SQLite).
The indexes are created by the migration scale_0001."""
from sqlalchemy import func

from ...extensions import db


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def next_prefix(text: str) -> str:
    """The smallest string greater than every string starting with `text` (binary order)."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def starts_with(column, text: str):
    """Prefix match served by a btree index: LIKE on PostgreSQL (text_pattern_ops index), a binary
    range on SQLite (its LIKE ignores case, so it cannot use the column's index)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column.like(escape_like(text) + "%", escape="\\")
    return (column >= text) & (column < next_prefix(text))


def name_lookup(column, text: str):
    """Names: "contains" through a trigram index on PostgreSQL; on SQLite a prefix of the lower-cased
    name, served by an expression index (a contains search would scan the table)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column.ilike("%" + escape_like(text) + "%", escape="\\")
    return starts_with(func.lower(column), text.lower())
