"""The landing page of each office role."""
from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from .blueprint import web_bp


@web_bp.route("/")
@login_required
def home():
    if current_user.role == "technician":
        return redirect("/app/")
    return render_template("home.html")
