"""The signed-in user's own settings: a chief's countersignature code for the tablet."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..errors import DomainError
from ..services.base.countersigners import MAX_FAILURES, MIN_LENGTH, code_state, set_countersign_code
from .blueprint import web_bp
from .access import roles_required
from .webforms import CountersignCodeForm


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
