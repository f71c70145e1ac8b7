"""The database out of reach (restarted, network cut, pool exhausted): 503 with Retry-After, never a 500.

The tablet gets JSON and resends later (its outbox retries every 5xx); people get a French page that
needs no database (no menu, no signed-in user). The pool's pre-ping (config) replaces dead connections,
so the server reconnects by itself once the database answers again."""
import logging

from flask import Flask, current_app, jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .extensions import db

RETRY_AFTER_SECONDS = 10
MESSAGE = "Service momentanément indisponible : la base de données ne répond pas. Réessayez dans quelques instants."
log = logging.getLogger("tournee.outage")


def register(app: Flask) -> None:
    app.teardown_appcontext(_release_session)  # runs before Flask-SQLAlchemy's own (registered earlier)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def _database_unavailable(err: Exception):
        log.warning("database unavailable: %s", type(getattr(err, "orig", None) or err).__name__)
        try:
            db.session.remove()
        except Exception:  # the connection is already gone; the pool drops it
            pass
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return jsonify({"error": "service_unavailable", "message": MESSAGE,
                            "retry_after": RETRY_AFTER_SECONDS}), 503, headers
        # Rendered without the context processors: Flask-Login's would load the signed-in user from the database.
        page = current_app.jinja_env.get_template("unavailable.html")
        return page.render(message=MESSAGE, retry_after=RETRY_AFTER_SECONDS), 503, headers


def _release_session(_error) -> None:
    """Close the request's session; when its connection died meanwhile (the answer may be ready and true:
    a blob stored, a push committed), drop the connection instead of failing the answer with a 500."""
    try:
        db.session.remove()
    except (OperationalError, InterfaceError):
        log.warning("database connection lost while closing the request's session")
        try:
            db.session.invalidate()
        except Exception:  # already unusable: the pool discards it either way
            pass
        db.session.registry.clear()
