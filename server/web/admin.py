"""Administration: users (create with role, utility and section; deactivate; reset password) and sessions."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..errors import DomainError
from ..services.base.accounts import list_users, revoke_sessions
from ..services.own_data.users_admin import create_office_user, deactivate_user, reset_password
from .blueprint import web_bp
from .access import roles_required
from .webforms import ConfirmForm, UserCreateForm


def _create_form(users) -> UserCreateForm:
    form = UserCreateForm()
    form.chief_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(u.id), u.name) for u in users
                                                       if u.role == "chief" and u.active]
    return form


@web_bp.route("/admin/users", methods=["GET", "POST"])
@roles_required("admin")
def admin_users():
    users = list_users()
    create_form = _create_form(users)
    if create_form.validate_on_submit():
        try:
            user, password = create_office_user(
                create_form.login.data, create_form.name.data, create_form.role.data,
                create_form.utility.data or None, int(create_form.chief_id.data or 0) or None,
                by=current_user, now=datetime.now(timezone.utc))
        except (DomainError, ValueError) as err:
            flash(getattr(err, "message", "Section inconnue."), "error")
        else:
            flash(f"Utilisateur {user.login} créé. Mot de passe temporaire (à transmettre, affiché une seule "
                  f"fois) : {password}", "info")
            return redirect(url_for("web.admin_users"))
    return render_template("admin/users.html", users=users, form=ConfirmForm(), create_form=create_form)


@web_bp.route("/admin/users/<int:user_id>/revoke-sessions", methods=["POST"])
@roles_required("admin")
def admin_revoke_sessions(user_id: int):
    if ConfirmForm().validate_on_submit():
        user = revoke_sessions(user_id, current_user, datetime.now(timezone.utc))
        flash(f"Les sessions de {user.name} sont révoquées.", "info")
    return redirect(url_for("web.admin_users"))


@web_bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required("admin")
def admin_deactivate_user(user_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            user = deactivate_user(user_id, by=current_user, now=datetime.now(timezone.utc))
            flash(f"{user.name} est désactivé : ses sessions et ses tablettes sont coupées.", "info")
        except DomainError as err:
            flash(err.message, "error")
    return redirect(url_for("web.admin_users"))


@web_bp.route("/admin/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required("admin")
def admin_reset_password(user_id: int):
    if ConfirmForm().validate_on_submit():
        user, password = reset_password(user_id, by=current_user, now=datetime.now(timezone.utc))
        flash(f"Mot de passe de {user.login} réinitialisé. Mot de passe temporaire (affiché une seule fois, à "
              f"changer à la prochaine connexion) : {password}", "info")
    return redirect(url_for("web.admin_users"))
