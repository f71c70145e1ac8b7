"""Administration of reference data: communes (services, travel fee) and their tariffs with validity dates."""
from datetime import datetime, timezone
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..local_time import utility_zone
from ..services.own_data.reference_data import add_tariff, commune_with_tariffs, list_communes, update_commune
from .access import roles_required
from .blueprint import web_bp
from .webforms import CommuneForm, TariffForm


def _number(text: str | None) -> Decimal | None:
    return Decimal(text.replace(",", ".")) if text else None


@web_bp.route("/admin/communes")
@roles_required("admin")
def admin_communes():
    page = list_communes(request.args.get("after") or None)
    return render_template("admin/communes.html", page=page)


@web_bp.route("/admin/communes/<int:commune_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_commune(commune_id: int):
    commune, tariffs = commune_with_tariffs(commune_id)
    form = CommuneForm(obj=commune if request.method == "GET" else None)
    tariff_form = TariffForm(prefix="tariff")
    if form.validate_on_submit():
        changes = {name: getattr(form, name).data for name in ("name", "runs_water", "runs_sewage", "runs_electricity",
                                                                 "travel_fee_allowed", "water_manager")}
        changes["travel_fee_amount"] = _number(form.travel_fee_amount.data) or Decimal("0")
        changes["water_manager"] = changes["water_manager"] or None
        try:
            update_commune(commune.id, changes, by=current_user, now=datetime.now(timezone.utc))
            flash("Commune enregistrée.", "info")
            return redirect(url_for("web.admin_commune", commune_id=commune.id))
        except DomainError as err:
            flash(err.message, "error")
    return render_template("admin/commune.html", commune=commune, tariffs=tariffs, form=form, tariff_form=tariff_form)


@web_bp.route("/admin/communes/<int:commune_id>/tariffs", methods=["POST"])
@roles_required("admin")
def admin_commune_tariff(commune_id: int):
    commune, tariffs = commune_with_tariffs(commune_id)
    tariff_form = TariffForm(prefix="tariff")
    if tariff_form.validate_on_submit():
        now = datetime.now(timezone.utc)
        try:
            add_tariff(commune.id, service=tariff_form.service.data, valid_from=tariff_form.valid_from.data,
                       unit_price=_number(tariff_form.unit_price.data),
                       subscription_per_year=_number(tariff_form.subscription_per_year.data),
                       vat_rate=_number(tariff_form.vat_rate.data), by=current_user, now=now,
                       today=now.astimezone(utility_zone(commune.utility)).date())
            flash("Nouveau tarif enregistré.", "info")
            return redirect(url_for("web.admin_commune", commune_id=commune.id))
        except DomainError as err:
            flash(err.message, "error")
    return render_template("admin/commune.html", commune=commune, tariffs=tariffs, form=CommuneForm(obj=commune),
                           tariff_form=tariff_form), 422
