"""The board's planner: propose the day's rounds, accept them (all or per technician), dismiss."""
from datetime import time

from flask import flash, redirect, url_for
from flask_login import current_user

from ..services.field import planning
from .access import roles_required
from .blueprint import web_bp
from .dispatch import PLANNERS, _now, _refused
from .planning_forms import AcceptForm, DismissForm, ProposeForm, TechnicianDayForm


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


@web_bp.route("/dispatch/technicians/<int:technician_id>/day", methods=["POST"])
@roles_required(*PLANNERS)
def dispatch_technician_day(technician_id: int):
    form = TechnicianDayForm()
    if not form.validate_on_submit():
        _refused(form)
        return _to_planning(form.day.data)
    if (form.start_lat.data is None) != (form.start_lon.data is None):
        flash("Le point de départ demande une latitude et une longitude.", "error")
        return _to_planning(form.day.data)
    start = (form.start_lat.data, form.start_lon.data) if form.start_lat.data is not None else None
    technician = planning.set_technician_day(
        technician_id, work_start=time.fromisoformat(form.work_start.data) if form.work_start.data else None,
        work_end=time.fromisoformat(form.work_end.data) if form.work_end.data else None, start=start,
        arpnt=form.arpnt.data, cap=form.round_cap.data, chief=current_user, now=_now())
    flash(f"Journée de {technician.name} enregistrée pour la planification.", "info")
    return _to_planning(form.day.data)
