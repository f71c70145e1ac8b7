"""Office sign-in and sign-out."""
from datetime import datetime, timezone
from urllib.parse import urlparse

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..services.base.accounts import authenticate, sign_out
from .blueprint import web_bp
from .webforms import LoginForm


def _safe_next(target: str | None, fallback: str | None = None) -> str:
    """A local path to go back to (never another site), else the fallback (the home page)."""
    if target and urlparse(target).netloc == "" and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return fallback or url_for("web.home")


@web_bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = authenticate(form.login.data, form.password.data, request.remote_addr or "?",
                                datetime.now(timezone.utc), current_app.config["LOGIN_MAX_ATTEMPTS"],
                                current_app.config["LOGIN_WINDOW_SECONDS"])
        except DomainError as err:
            flash(err.message, "error")
            return render_template("auth/login.html", form=form), err.status
        login_user(user)
        return redirect(_safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@web_bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sign_out(current_user, datetime.now(timezone.utc))  # a copied cookie dies too
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("web.login"))
