"""The board's planner: propose the day's rounds, accept them (all or per technician), dismiss."""
from flask import flash, redirect, url_for
from flask_login import current_user

from ..services.field import planning
from .access import roles_required
from .blueprint import web_bp
from .dispatch import PLANNERS, _now, _refused
from .planning_forms import AcceptForm, DismissForm, ProposeForm


def _to_planning(day):
    return redirect(url_for("web.dispatch_board", day=day.isoformat() if day else None, _anchor="planning"))


@web_bp.route("/dispatch/plan", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_propose():
    form = ProposeForm()
    if not form.validate_on_submit():
        _refused(form)
        return _to_planning(None)
    proposal = planning.propose(current_user, form.day.data, now=_now(), allow_moving=form.allow_moving.data,
                                replan=form.replan.data)
    unplanned = len(proposal.content["unplanned"])
    flash("Proposition de tournées prête : vérifiez-la avant de l'accepter."
          + (f" {unplanned} ordre(s) n'ont pas pu être placés." if unplanned else ""), "info")
    return _to_planning(form.day.data)


@web_bp.route("/dispatch/plan/<int:proposal_id>/accept", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_accept(proposal_id: int):
    form = AcceptForm()
    if not form.validate_on_submit():
        _refused(form)
        return _to_planning(None)
    applied = planning.accept(proposal_id, form.technician_id.data, chief=current_user, now=_now())
    flash(f"Tournées appliquées : {applied} ordre(s) ; les tablettes les recevront à leur prochaine synchronisation.", "info")
    return _to_planning(form.day.data)


@web_bp.route("/dispatch/plan/<int:proposal_id>/dismiss", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_dismiss(proposal_id: int):
    form = DismissForm()
    if form.validate_on_submit():
        planning.dismiss(proposal_id, chief=current_user, now=_now())
        flash("Proposition écartée ; rien n'a changé.", "info")
    else:
        _refused(form)
    return _to_planning(form.day.data)
