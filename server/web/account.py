"""The signed-in user's own settings: a chief's countersignature code for the tablet."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from ..errors import DomainError
from ..services.base.countersigners import MAX_FAILURES, MIN_LENGTH, code_state, set_countersign_code
from .blueprint import web_bp
from .access import roles_required
from ..services.own_data.users_admin import change_own_password
from .webforms import CountersignCodeForm, PasswordChangeForm


@web_bp.route("/account/countersign-code", methods=["GET", "POST"])
@roles_required("chief")
def countersign_code():
    form = CountersignCodeForm()
    if form.validate_on_submit():
        try:
            set_countersign_code(current_user, form.code.data, password=form.password.data,
                                 now=datetime.now(timezone.utc))
        except DomainError as refusal:
            form.code.errors.append(str(refusal))
        else:
            flash("Code de contresignature enregistré : vous pourrez contresigner sur les tablettes de votre "
                  "équipe dès leur prochaine synchronisation (le code lui-même n'y est jamais envoyé).", "info")
            return redirect(url_for("web.countersign_code"))
    return render_template("account/countersign_code.html", form=form, state=code_state(current_user),
                           min_length=MIN_LENGTH, max_failures=MAX_FAILURES)


PASSWORD_FREE_ENDPOINTS = {"web.change_password", "web.logout", "web.login", "static"}


@web_bp.before_request
def _forced_password_change():
    """After an admin's reset, the user chooses their own password before anything else."""
    if getattr(current_user, "must_change_password", False) and request.endpoint not in PASSWORD_FREE_ENDPOINTS:
        return redirect(url_for("web.change_password"))
    return None


@web_bp.route("/account/password", methods=["GET", "POST"])
@roles_required("agent", "chief", "technician", "controller", "cashier", "admin")
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current.data, form.new.data, now=datetime.now(timezone.utc))
        except DomainError as refusal:
            form.new.errors.append(str(refusal))
        else:
            login_user(current_user._get_current_object())  # this session goes on under the new version
            flash("Mot de passe changé.", "info")
            return redirect(url_for("web.home"))
    return render_template("account/password.html", form=form)
