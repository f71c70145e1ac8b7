"""Tournée server: `create_app` is the one place the application is assembled."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import load_config

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    """Config → extensions → blueprints → errors → CLI, in that order."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_config(config))
    app.config["APP_VERSION"] = __version__
    app.instance_path = app.config["INSTANCE_PATH"]

    _init_extensions(app)
    _register_blueprints(app)

    from . import access_log, error_pages, input_guard, metrics, outages, security
    from .web.display import register_filters
    from .web.navigation import menu_for, menu_groups_for
    from .web.paging import page_url
    error_pages.register(app)
    outages.register(app)  # database out of reach: 503 + Retry-After, never a 500
    register_filters(app)
    app.jinja_env.globals["menu_for"] = menu_for
    app.jinja_env.globals["menu_groups_for"] = menu_groups_for
    app.jinja_env.globals["page_url"] = page_url
    security.register(app)
    metrics.register(app)  # /metrics (Prometheus)
    access_log.register(app)  # one JSON line per request
    input_guard.register(app)  # first of the before-request functions

    from .cli import register_commands
    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers the tables on the metadata)
    from .extensions import compress, csrf, db, migrate
    from .web.sign_in import login_manager
    from .services.base.accounts import load_session_user

    db.init_app(app)
    from .services.own_data.export_capture import install_export_capture
    install_export_capture()  # the billing export feed's change log (DESIGN §10)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message = "Veuillez vous connecter pour accéder à cette page."
    login_manager.user_loader(load_session_user)
    from .services.base.business_calendar import administered_calendar
    from .services.rules.calendar import PROVIDER
    app.extensions[PROVIDER] = lambda: administered_calendar(app.config.get("BUSINESS_CALENDAR"))  # W19, office


def _register_blueprints(app: Flask) -> None:
    from .pwa_host import pwa_bp
    from .web import web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(pwa_bp)
    from .api import api_bp; app.register_blueprint(api_bp)  # noqa: E702  (tablet JSON API /api/v1)


def _migrations_dir():
    from .config import PROJECT_ROOT
    return PROJECT_ROOT / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: WAL for concurrent readers, foreign keys enforced, wait instead of failing on locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
