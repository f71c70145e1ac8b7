"""Administration: users and their sessions."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..services.base.accounts import list_users, revoke_sessions
from .blueprint import web_bp
from .access import roles_required
from .webforms import ConfirmForm


@web_bp.route("/admin/users")
@roles_required("admin")
def admin_users():
    return render_template("admin/users.html", users=list_users(), form=ConfirmForm())


@web_bp.route("/admin/users/<int:user_id>/revoke-sessions", methods=["POST"])
@roles_required("admin")
def admin_revoke_sessions(user_id: int):
    if ConfirmForm().validate_on_submit():
        user = revoke_sessions(user_id, current_user, datetime.now(timezone.utc))
        flash(f"Les sessions de {user.name} sont révoquées.", "info")
    return redirect(url_for("web.admin_users"))
