"""The landing page of each office role: its work queue (counts with links, oldest first)."""
from datetime import datetime, timezone

from flask import redirect, render_template
from flask_login import current_user, login_required

from ..local_time import in_utility_zone
from ..services.reporting.work_queues import work_queue
from .blueprint import web_bp


@web_bp.route("/")
@login_required
def home():
    if current_user.role == "technician":
        return redirect("/app/")
    today = in_utility_zone(datetime.now(timezone.utc), current_user.utility).date()
    return render_template("home.html", work=work_queue(current_user, today))
