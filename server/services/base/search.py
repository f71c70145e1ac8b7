""""Contains" searches: the text typed is matched literally (`%` and `_` are not wildcards)."""
from sqlalchemy.sql.elements import ColumnElement

ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own `%`, `_` and `\\` escaped."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def contains(column, text: str) -> ColumnElement:
    """Case-insensitive "column contains text"."""
    return column.ilike(contains_pattern(text), escape=ESCAPE)
