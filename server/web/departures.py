"""Intake of a departure (water) or a termination (electricity) from the customer page."""
from dataclasses import fields
from datetime import date, datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..services.intake import departures, termination_requests
from .blueprint import web_bp
from .access import roles_required
from .departure_forms import ElectricityTerminationForm, PhotoReadingForm
from .departure_forms import WaterDepartureForm

INTAKE_ROLES = ("agent", "admin")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def request_of(form, cls):
    """The service's plain request built from the form's fields of the same names."""
    names = {f.name for f in fields(cls)}
    values = {k: (v or None) if isinstance(v, str) else v for k, v in form.data.items() if k in names}
    if "dsi_id" in values:
        values["dsi_id"] = int(values["dsi_id"]) if str(values["dsi_id"] or "").isdigit() else None
    return cls(**{k: v for k, v in values.items() if v is not None or k in ("index",)})


def submit(form, context):
    """Call the intake service; its refusals go back onto the form's fields (French messages)."""
    water = context.contract.service != "electricity"
    service, cls = (departures.record_water_departure, departures.WaterDeparture) if water else \
        (termination_requests.record_termination, termination_requests.ElectricityTermination)
    try:
        return service(context.contract.id, request_of(form, cls), user=current_user, now=_now())
    except DomainError as err:
        flash(err.message, "error")
        for name, messages in err.fields.items():
            if name in form:
                form[name].errors = list(form[name].errors) + list(messages)
        return None


@web_bp.route("/contracts/<int:contract_id>/departure", methods=["GET", "POST"])
@roles_required(*INTAKE_ROLES)
def departure_intake(contract_id: int):
    context = departures.intake_context(contract_id, date.today(), current_user)
    form_class = ElectricityTerminationForm if context.contract.service == "electricity" else WaterDepartureForm
    prefill = context.prefill if form_class is WaterDepartureForm else {}
    form = form_class(data={**prefill, **{k: v for k, v in request.args.items() if k in ("kind", "dsi_id")}})
    dossier = submit(form, context) if context.handled and form.validate_on_submit() else None
    if dossier is not None:
        flash(f"Demande enregistrée : dossier {dossier.ref}.", "success")
        return redirect(url_for("web.dossier_page", dossier_id=dossier.id))
    return render_template("departures/form.html", context=context, form=form)


@web_bp.route("/dossiers/<int:dossier_id>/photo-reading", methods=["POST"])
@roles_required(*INTAKE_ROLES)
def dossier_photo_reading(dossier_id: int):
    form = PhotoReadingForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(m for ms in form.errors.values() for m in ms))
        departures.record_photo_reading(dossier_id, index=form.index.data, photo_on=form.photo_on.data,
                                        user=current_user, now=_now())
        flash("Relevé de la photo enregistré : contrat résilié (W15).", "success")
    except DomainError as err:
        flash(err.message, "error")
    return redirect(url_for("web.dossier_page", dossier_id=dossier_id))
