"""The SQL statements a piece of code sends: to prove a page's reads do not grow with its rows."""
from server.extensions import db
from sqlalchemy import event


def statements_of(fn):
    """(fn's result, [(statement, parameters)] it sent), in an app context."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return result, seen
