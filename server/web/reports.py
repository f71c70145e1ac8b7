"""Report review: the reconciliation cockpit, the report page, countersignature and decisions."""
from datetime import datetime, timezone

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..blob_stores import store_for
from ..services.base import countersigners
from ..services.review import cockpit, corrections, decisions, reports
from .blueprint import web_bp
from .access import roles_required
from .paging import requested_page
from .review_forms import CorrectForm, CountersignForm, ReasonForm
from .webforms import ConfirmForm, SearchForm

READERS = ("agent", "chief", "controller", "admin")
DECIDERS = ("agent", "admin")
CORRECTORS = ("agent", "chief", "admin")
LEFT_SHOWN = 10  # reports left out named one by one after a bulk acceptance (the flashes live in the session cookie)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _to_report(report_id: int, form=None):
    for messages in (form.errors.values() if form is not None else ()):
        flash(" ".join(messages), "error")
    return redirect(url_for("web.report_page", report_id=report_id))


@web_bp.route("/reports")
@roles_required(*READERS)
def report_queue():
    search = SearchForm(request.args)
    text = search.q.data or "" if search.validate() else ""
    rows = cockpit.review_queue(current_user, now=_now(), page=requested_page(cockpit.QUEUE_PAGE_SIZE), text=text)
    return render_template("reports/queue.html", rows=rows, aside=cockpit.kept_aside(current_user), form=ConfirmForm(),
                           search=search)


@web_bp.route("/reports/<int:report_id>")
@roles_required(*READERS)
def report_page(report_id: int):
    review = cockpit.review_of(report_id, user=current_user, now=_now())
    return render_template("reports/page.html", review=review, confirm=ConfirmForm(),
                           countersignable=countersigners.may_countersign(current_user, review.technician),
                           countersign_form=CountersignForm(signer_name=current_user.name),
                           reason_form=ReasonForm(), correct_form=CorrectForm())


@web_bp.route("/reports/<int:report_id>/blobs/<sha256>")
@roles_required(*READERS)
def report_blob(report_id: int, sha256: str):
    store = store_for(current_app)
    stream, mimetype = cockpit.blob_of_report(report_id, sha256, store, current_user)
    return send_file(stream, mimetype=mimetype, max_age=86400, etag=sha256)


@web_bp.route("/reports/<int:report_id>/countersign", methods=["POST"])
@roles_required("chief")
def report_countersign(report_id: int):
    form = CountersignForm()
    if form.validate_on_submit():
        signature = {"sha256": None, "signer_name": form.signer_name.data,
                     "strokes": cockpit.strokes_from_text(form.strokes.data)}
        reports.countersign_report(report_id, chief=current_user, signature=signature, now=_now())
        flash("Compte-rendu contresigné et scellé.", "info")
    return _to_report(report_id, form)


@web_bp.route("/reports/<int:report_id>/accept", methods=["POST"])
@roles_required(*DECIDERS)
def report_accept(report_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        for effect in decisions.accept_report(report_id, user=current_user, now=_now()):
            flash(effect, "info")
        flash("Compte-rendu accepté.", "info")
    return _to_report(report_id, form)


@web_bp.route("/reports/<int:report_id>/reject", methods=["POST"])
@roles_required(*DECIDERS)
def report_reject(report_id: int):
    form = ReasonForm()
    if form.validate_on_submit():
        again = decisions.reject_report(report_id, user=current_user, reason=form.reason.data, now=_now())
        flash(f"Compte-rendu rejeté ; ordre {again.ref} ré-émis." if again else
              "Compte-rendu rejeté ; l'ordre, annulé ou réaffecté entre-temps, reste inchangé.", "info")
    return _to_report(report_id, form)


@web_bp.route("/reports/<int:report_id>/correct", methods=["POST"])
@roles_required(*CORRECTORS)
def report_correct(report_id: int):
    form = CorrectForm()
    if form.validate_on_submit():
        answers = cockpit.correction_of(report_id, form.field_id.data, form.value.data, current_user)
        version = corrections.correct_report(report_id, author=current_user, answers=answers, reason=form.reason.data, now=_now())
        flash(f"Version {version.number} enregistrée.", "info")
    return _to_report(report_id, form)


@web_bp.route("/reports/bulk-accept", methods=["POST"])
@roles_required(*DECIDERS)
def report_bulk_accept():
    if ConfirmForm().validate_on_submit():
        result = decisions.bulk_accept_clean(user=current_user, now=_now())
        flash(f"{result.accepted} compte(s)-rendu(s) sans alerte accepté(s).", "info")
        for ref, why in result.left[:LEFT_SHOWN]:
            flash(f"{ref} laissé de côté : {why}", "error")
        if len(result.left) > LEFT_SHOWN:
            flash(f"… et {len(result.left) - LEFT_SHOWN} autre(s) laissé(s) de côté, avec une alerte dans la liste.", "error")
        if result.more:
            flash("D'autres comptes-rendus contresignés restent à examiner : relancez l'acceptation.", "info")
    return redirect(url_for("web.report_queue"))
