"""Health check for operators and load balancers."""
from flask import current_app, jsonify, send_from_directory

from ..services.base.health import database_state
from .blueprint import web_bp


@web_bp.route("/healthz")
def healthz():
    state = database_state()
    status = 200 if state["ok"] else 503
    return jsonify(status="ok" if state["ok"] else "degraded", version=current_app.config["APP_VERSION"],
                   database=state), status


@web_bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page; answer with the app icon instead of a 404."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)
