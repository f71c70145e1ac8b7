"""What the health check reports about the database."""
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from ...extensions import db
from ...models import DeliveryPoint


def database_state() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        if not inspect(db.engine).has_table("delivery_points"):
            return {"ok": False, "backend": db.engine.dialect.name, "error": "schema missing: run tournee db upgrade"}
        points = db.session.scalar(select(func.count()).select_from(DeliveryPoint))
        return {"ok": True, "backend": db.engine.dialect.name, "delivery_points": points}
    except SQLAlchemyError as err:
        db.session.rollback()
        return {"ok": False, "backend": db.engine.dialect.name, "error": type(err).__name__}
