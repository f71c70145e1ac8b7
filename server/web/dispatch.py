"""The chief's day board: plan, reorder, set windows, cancel; progress of the team."""
from datetime import date, datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..services.field import dispatch, planning
from .blueprint import web_bp
from .access import roles_required
from .planning_forms import AcceptForm, DismissForm, ProposeForm, TechnicianDayForm
from .paging import requested_page
from .review_forms import AssignForm, DayForm, MoveForm, ReasonForm, WindowForm

PLANNERS = ("chief", "admin")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _board_args() -> tuple[date | None, int | None]:
    """The board's day and technician from the query string (None for what is absent or invalid)."""
    form = DayForm(request.args)
    return (form.day.data, form.technician.data) if form.validate() else (None, None)


def _back(day: date | None = None):
    """To the board the change was made from: the team's, or one technician's round."""
    shown_day, technician = _board_args()
    day = day or shown_day
    return redirect(url_for("web.dispatch_board", day=day.isoformat() if day else None, technician=technician))


def _refused(form) -> None:
    for messages in form.errors.values():
        flash(" ".join(messages), "error")


@web_bp.route("/dispatch")
@roles_required(*PLANNERS)
def dispatch_board():
    day, technician = _board_args()
    board = dispatch.day_board(current_user, day or _now().date(), now=_now(),
                               page=requested_page(dispatch.UNASSIGNED_PER_PAGE), technician_id=technician)
    return render_template("dispatch/board.html", board=board, labels=dispatch.COLUMN_LABELS, window_of=dispatch.window_label,
                           column_shown=dispatch.COLUMN_SHOWN, assign_form=AssignForm(), cancel_form=ReasonForm(),
                           # The planner's section (issue 17): dispatch/_planning.html, on the team's board
                           planning=None if board.technician else planning.planning_section(current_user, board, now=_now()),
                           propose_form=ProposeForm(), accept_form=AcceptForm(), dismiss_form=DismissForm(),
                           technician_day_form=TechnicianDayForm())


@web_bp.route("/dispatch/orders/<int:order_id>")
@roles_required(*PLANNERS)
def dispatch_order(order_id: int):
    day, technician = _board_args()
    return render_template("dispatch/order.html", planning=dispatch.order_to_plan(order_id, chief=current_user),
                           day=day, technician=technician, assign_form=AssignForm(), cancel_form=ReasonForm())


@web_bp.route("/dispatch/orders/<int:order_id>/assign", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_assign(order_id: int):
    form = AssignForm()
    if form.validate_on_submit():
        order = dispatch.assign(order_id, form.technician_id.data or None, chief=current_user, now=_now())
        flash(f"Ordre {order.ref} {'affecté' if order.assignee_id else 'retiré de la tournée'}.", "info")
    else:
        _refused(form)
    return _back()


@web_bp.route("/dispatch/orders/<int:order_id>/move", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_move(order_id: int):
    form = MoveForm()
    if form.validate_on_submit():
        dispatch.move_in_round(order_id, form.step.data, chief=current_user, now=_now(), day=form.day.data or _now().date())
    else:
        _refused(form)
    return _back(form.day.data)


@web_bp.route("/dispatch/orders/<int:order_id>/window", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_window(order_id: int):
    form = WindowForm()
    if form.validate_on_submit():
        order = dispatch.set_window_times(order_id, form.start.data, form.end.data, chief=current_user, now=_now())
        flash(f"Créneau de l'ordre {order.ref} enregistré.", "info")
    else:
        _refused(form)
    return _back()


@web_bp.route("/dispatch/orders/<int:order_id>/cancel", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_cancel(order_id: int):
    form = ReasonForm()
    if form.validate_on_submit():
        order = dispatch.cancel(order_id, form.reason.data, chief=current_user, now=_now())
        flash(f"Ordre {order.ref} annulé ; la tablette le retirera à la prochaine synchronisation.", "info")
    else:
        _refused(form)
    return _back()
