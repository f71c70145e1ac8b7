"""The section chief's review queue: one report after the other ("suivant", the keyboard), the
reports judged clean countersigned together with one drawn signature, each sealed on its own."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..services.review import chief_queue, cockpit
from .access import roles_required
from .blueprint import web_bp
from .review_forms import BatchCountersignForm
from .webforms import ConfirmForm


def _now() -> datetime:
    return datetime.now(timezone.utc)


@web_bp.route("/reports/review")
@roles_required("chief")
def chief_review_start():
    queue = chief_queue.chief_queue(current_user)
    if queue:
        return redirect(url_for("web.chief_review_page", report_id=queue[0].report_id))
    return render_template("reports/review.html", step=None, form=ConfirmForm(), batch_form=BatchCountersignForm(signer_name=current_user.name))


@web_bp.route("/reports/review/<int:report_id>")
@roles_required("chief")
def chief_review_page(report_id: int):
    step = chief_queue.chief_review(report_id, current_user)
    return render_template("reports/review.html", step=step, form=ConfirmForm(),
                           batch_form=BatchCountersignForm(signer_name=current_user.name))


@web_bp.route("/reports/review/<int:report_id>/clean", methods=["POST"])
@roles_required("chief")
def chief_review_clean(report_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("web.chief_review_page", report_id=report_id))
    following = chief_queue.judge_clean(report_id, chief=current_user, now=_now())
    if following is None:
        return redirect(url_for("web.chief_review_page", report_id=report_id, _anchor="batch"))
    return redirect(url_for("web.chief_review_page", report_id=following))


@web_bp.route("/reports/review/countersign", methods=["POST"])
@roles_required("chief")
def chief_review_countersign():
    form = BatchCountersignForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            flash(" ".join(messages), "error")
        return redirect(request.referrer or url_for("web.chief_review_start"))
    signature = {"sha256": None, "signer_name": form.signer_name.data, "strokes": cockpit.strokes_from_text(form.strokes.data)}
    result = chief_queue.countersign_judged(form.report_ids(), chief=current_user, signature=signature, now=_now())
    flash(f"{len(result.sealed)} compte(s)-rendu(s) contresigné(s), chacun scellé : {', '.join(result.sealed)}.", "info")
    for ref, why in result.left:
        flash(f"{ref} laissé de côté : {why}.", "error")
    return redirect(url_for("web.chief_review_start"))
