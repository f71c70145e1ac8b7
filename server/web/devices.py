"""The office's list of enrolled tablets, with revocation of a lost one."""
from datetime import datetime, timedelta, timezone

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..services.field.devices import field_devices, revoke_device
from ..services.operations.fleet import silent_tablets
from ..services.own_data.users_admin import rename_device
from .blueprint import web_bp
from .access import roles_required
from .paging import requested_page
from .webforms import ConfirmForm, DeviceNameForm


@web_bp.route("/devices")
@roles_required("chief", "admin")
def device_list():
    return render_template("devices/list.html", team=field_devices(current_user, requested_page()), form=ConfirmForm(),
                           name_form=DeviceNameForm())


@web_bp.route("/devices/<int:device_id>/revoke", methods=["POST"])
@roles_required("chief", "admin")
def device_revoke(device_id: int):
    if ConfirmForm().validate_on_submit():
        device = revoke_device(device_id, by=current_user, now=datetime.now(timezone.utc))
        flash(f"La tablette « {device.name} » est révoquée : elle sera refusée à sa prochaine connexion.", "info")
    return redirect(url_for("web.device_list"))


@web_bp.route("/devices/silent")
@roles_required("chief", "admin")
def silent_device_list():
    """Tablets not synced for more than a set time (hours, the setting by default), oldest first, paged."""
    hours = request.args.get("hours", type=int) or current_app.config["SILENT_TABLET_HOURS"]
    hours = min(max(hours, 1), 24 * 365)
    listing = silent_tablets(current_user, now=datetime.now(timezone.utc), older_than=timedelta(hours=hours),
                             page=request.args.get("page", 1, type=int))
    return render_template("devices/silent.html", listing=listing, hours=hours)


@web_bp.route("/devices/<int:device_id>/name", methods=["POST"])
@roles_required("chief", "admin")
def device_rename(device_id: int):
    form = DeviceNameForm()
    if form.validate_on_submit():
        try:
            device = rename_device(device_id, form.name.data, by=current_user, now=datetime.now(timezone.utc))
            flash(f"Tablette renommée « {device.name} ».", "info")
        except DomainError as err:
            flash(err.message, "error")
    else:
        flash("Nom de tablette requis (120 caractères au plus).", "error")
    return redirect(url_for("web.device_list"))
