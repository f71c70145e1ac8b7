"""The back office's task list per role, with counts; finishing a task, or recording "no answer" (W8)."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..services.dossiers import tasks
from .blueprint import web_bp
from .access import roles_required
from .paging import requested_page
from .auth import _safe_next
from .webforms import ConfirmForm, TaskFinishForm

TASK_ROLES = ("agent", "chief", "controller", "cashier", "admin")


def _now() -> datetime:
    return datetime.now(timezone.utc)


@web_bp.route("/tasks")
@roles_required(*TASK_ROLES)
def task_list():
    board = tasks.task_board(current_user, kind=request.args.get("kind") or None, page=requested_page())
    return render_template("tasks/list.html", board=board, confirm=ConfirmForm(), labels=tasks.TASK_LABELS,
                           roles=tasks.ROLE_LABELS, kind=request.args.get("kind") or "")


@web_bp.route("/tasks/<int:task_id>/done", methods=["POST"], defaults={"outcome": "done"})
@web_bp.route("/tasks/<int:task_id>/no_answer", methods=["POST"], defaults={"outcome": "no_answer"})
@roles_required(*TASK_ROLES)
def task_finish(task_id: int, outcome: str):
    form = TaskFinishForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("Formulaire expiré : rechargez la page et recommencez.")
        if outcome == "no_answer":
            order = tasks.record_no_answer(task_id, user=current_user, now=_now())
            flash(f"Client injoignable : ordre {order.ref} « Enquête client » émis (W8).", "success")
        else:
            tasks.complete_task(task_id, user=current_user, now=_now())
            flash("Tâche terminée.", "success")
    except DomainError as err:
        flash(err.message, "error")
    return redirect(_safe_next(form.next.data, url_for("web.task_list")))
