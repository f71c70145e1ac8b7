"""Administration: importing the utility's own data from a file (upload, dry-run preview with progress,
then the real import on confirmation)."""
from flask import abort, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from ..import_jobs import read_job, save_upload, start_job
from .access import roles_required
from .blueprint import web_bp
from .webforms import IMPORT_KINDS, ConfirmForm, ImportUploadForm

KIND_LABELS = dict(IMPORT_KINDS)


@web_bp.route("/admin/imports", methods=["GET", "POST"])
@roles_required("admin")
def admin_imports():
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        job_id = save_upload(current_app, upload.stream, upload.filename or "fichier")
        start_job(current_app, job_id, form.kind.data, current_user.id, dry_run=True)
        return redirect(url_for("web.admin_import", job_id=job_id))
    return render_template("admin/imports.html", form=form,
                           limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))


@web_bp.route("/admin/imports/<job_id>")
@roles_required("admin")
def admin_import(job_id: str):
    state = _state_or_404(job_id)
    return render_template("admin/import_job.html", job_id=job_id, state=state, form=ConfirmForm(),
                           kind_label=KIND_LABELS.get(state.get("kind"), state.get("kind")))


@web_bp.route("/admin/imports/<job_id>/status")
@roles_required("admin")
def admin_import_status(job_id: str):
    state = _state_or_404(job_id)
    return jsonify(status=state["status"], fraction=state["fraction"])


@web_bp.route("/admin/imports/<job_id>/confirm", methods=["POST"])
@roles_required("admin")
def admin_import_confirm(job_id: str):
    state = _state_or_404(job_id)
    ready = state["status"] == "done" and state["dry_run"] and state["result"]["problems_total"] == 0
    if ConfirmForm().validate_on_submit() and ready:
        start_job(current_app, job_id, state["kind"], current_user.id, dry_run=False)
    return redirect(url_for("web.admin_import", job_id=job_id))


def _state_or_404(job_id: str) -> dict:
    state = read_job(current_app, job_id)
    if state is None:
        abort(404)
    return state
