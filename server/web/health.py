"""Health check for operators and load balancers."""
from flask import current_app, jsonify

from ..services.health import database_state
from . import web_bp


@web_bp.route("/healthz")
def healthz():
    state = database_state()
    status = 200 if state["ok"] else 503
    return jsonify(status="ok" if state["ok"] else "degraded", version=current_app.config["APP_VERSION"],
                   database=state), status
