"""Dossier pages (DSI, DEP, ASI, INF_TELE): timeline, tasks, orders and the actions of the current state."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..local_time import in_utility_zone
from ..services.dossiers import dossiers
from ..services.dossiers.deadlines import deadlines_of
from ..services.intake import departures
from ..services.field.order_lists import STATE_LABELS as ORDER_STATES
from .blueprint import web_bp
from .access import roles_required
from .departure_forms import DossierFilterForm, PhotoReadingForm, PostponeForm, TransferForm
from ..services.closing import contract_transfers
from .review_forms import ReasonForm
from .paging import requested_page
from .webforms import ConfirmForm

READERS = ("agent", "chief", "controller", "admin")
ACTORS = ("agent", "admin")
DONE = {"cancel": "Annulation enregistrée.", "close": "Dossier clos.", "reopen": "Dossier rouvert.",
        "postpone": "Départ décalé : relances recalculées.", "curb_stop": "Fermeture sur bouche à clé demandée.",
        "appointment": "Rendez-vous de relevé pris : ordre émis."}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def act(dossier_id: int, action: str, call):
    """Run one action; a refusal (illegal transition, invalid input) is flashed in French, never a 500."""
    try:
        call()
        flash(DONE[action], "success")
    except DomainError as err:
        flash(err.message, "error")
    return redirect(url_for("web.dossier_page", dossier_id=dossier_id))


def refused(message: str):
    def call():
        raise DomainError(message)
    return call


@web_bp.route("/dossiers")
@roles_required(*READERS)
def dossier_list():
    form = DossierFilterForm(request.args)
    form.validate()
    late_on = in_utility_zone(_now(), current_user.utility).date() if form.late.data else None
    rows = dossiers.list_dossiers(dossier_type=form.type.data or None, state=form.state.data or None,
                                  utility=current_user.utility, page=requested_page(), late_on=late_on)
    return render_template("dossiers/list.html", form=form, rows=rows, labels=dossiers.DOSSIER_LABELS,
                           states=dossiers.STATE_LABELS, steps=dossiers.STEP_LABELS,
                           deadlines=deadlines_of(rows) if late_on else {})


@web_bp.route("/dossiers/<int:dossier_id>")
@roles_required(*READERS)
def dossier_page(dossier_id: int):
    return render_template("dossiers/page.html", page=dossiers.dossier_page(dossier_id, current_user), confirm=ConfirmForm(),
                           postpone_form=PostponeForm(), photo_form=PhotoReadingForm(), transfer_form=TransferForm(),
                           labels=dossiers.DOSSIER_LABELS, states=dossiers.STATE_LABELS, steps=dossiers.STEP_LABELS,
                           order_states=ORDER_STATES)


@web_bp.route("/dossiers/<int:dossier_id>/cancel", methods=["POST"], defaults={"action": "cancel"})
@web_bp.route("/dossiers/<int:dossier_id>/close", methods=["POST"], defaults={"action": "close"})
@web_bp.route("/dossiers/<int:dossier_id>/reopen", methods=["POST"], defaults={"action": "reopen"})
@web_bp.route("/dossiers/<int:dossier_id>/curb_stop", methods=["POST"], defaults={"action": "curb_stop"})
@roles_required(*ACTORS)
def dossier_action(dossier_id: int, action: str):
    if not ConfirmForm().validate_on_submit():
        return act(dossier_id, action, refused("Formulaire expiré : rechargez la page et recommencez."))
    call = {"cancel": dossiers.cancel_departure, "close": dossiers.close_dossier, "reopen": dossiers.reopen_dossier,
            "curb_stop": departures.order_curb_stop_closure}[action]
    return act(dossier_id, action, lambda: call(dossier_id, user=current_user, now=_now()))


@web_bp.route("/dossiers/<int:dossier_id>/postpone", methods=["POST"], defaults={"action": "postpone"})
@web_bp.route("/dossiers/<int:dossier_id>/appointment", methods=["POST"], defaults={"action": "appointment"})
@roles_required(*ACTORS)
def dossier_dated_action(dossier_id: int, action: str):
    form = PostponeForm()
    new_date = form.new_date.data if form.validate_on_submit() else None
    service = {"postpone": dossiers.postpone_departure, "appointment": departures.book_new_appointment}[action]

    def call():
        if new_date is None:
            raise DomainError("Indiquer la date.")
        service(dossier_id, new_date, user=current_user, now=_now())
    return act(dossier_id, action, call)


@web_bp.route("/dossiers/<int:dossier_id>/close/confirm", methods=["GET", "POST"])
@roles_required(*ACTORS)
def dossier_close_confirm(dossier_id: int):
    """W17: closing a dossier whose work is still in the field: what will happen, then a reason to confirm."""
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            dossiers.close_dossier(dossier_id, user=current_user, now=_now(), reason=form.reason.data,
                                   cancel_open_work=True)
            flash("Interventions annulées et dossier clos.", "success")
            return redirect(url_for("web.dossier_page", dossier_id=dossier_id))
        except DomainError as err:
            flash(err.message, "error")
    page = dossiers.dossier_page(dossier_id, current_user)
    return render_template("dossiers/close_confirm.html", page=page, form=form, labels=dossiers.DOSSIER_LABELS,
                           plan=dossiers.closing_plan(page)), 200 if request.method == "GET" else 422


@web_bp.route("/dossiers/<int:dossier_id>/transfer", methods=["POST"])
@roles_required(*ACTORS)
def dossier_transfer(dossier_id: int):
    """W11: perform the transfer to the newcomer from the arrival dossier."""
    form = TransferForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(m for ms in form.errors.values() for m in ms) or "Formulaire expiré.")
        done = contract_transfers.perform_transfer(dossier_id, index=form.index.data, on=form.on.data,
                                                   index_confirmed=form.index_confirmed.data, user=current_user,
                                                   now=_now())
        flash(f"Mutation réalisée : contrat {done.new.number} ouvert, factures {done.invoices[0].number} et "
              f"{done.invoices[1].number} émises.", "success")
    except DomainError as err:
        flash(err.message, "error")
    return redirect(url_for("web.dossier_page", dossier_id=dossier_id))
