"""Administration of the business calendar (W19): the public holidays in force per year, days off added or
removed, and the setting (working days or calendar days)."""
from datetime import datetime, timezone

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..local_time import local_day
from ..services.own_data.business_calendar import (FIRST_YEAR, LAST_YEAR, SETTING_LABELS, add_day_off, calendar_year,
                                                   remove_day_off, set_setting)
from .access import roles_required
from .blueprint import web_bp
from .webforms import CalendarDayForm, CalendarSettingForm


def _today():
    return local_day(datetime.now(timezone.utc), "water")  # W19 is the water procedure's timer


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR else None


def _page(year: int, day_form=None, status: int = 200):
    default = current_app.config.get("BUSINESS_CALENDAR")
    shown = calendar_year(year, default)
    day_form = day_form or CalendarDayForm(formdata=None, year=str(year))
    setting_form = CalendarSettingForm(formdata=None, calendar=shown.setting)
    return render_template("admin/calendar.html", shown=shown, day_form=day_form, setting_form=setting_form,
                           remove_form=CalendarDayForm(formdata=None, year=str(year)), labels=SETTING_LABELS,
                           today=_today()), status


@web_bp.route("/admin/calendar")
@roles_required("admin")
def admin_calendar():
    asked = request.args.get("year")
    year = _year(asked)
    if asked and year is None:
        flash(f"Année invalide : choisissez une année entre {FIRST_YEAR} et {LAST_YEAR}.", "error")
    return _page(year or _today().year)


def _change(action):
    form = CalendarDayForm()
    year = _year(form.year.data) or _today().year
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error if isinstance(error, str) else "Saisie invalide.", "error")
        return _page(year, form, 422)
    if _year(form.year.data) is None:
        flash(f"Année invalide : choisissez une année entre {FIRST_YEAR} et {LAST_YEAR}.", "error")
        return _page(year, form, 422)
    try:
        message = action(year, form)
    except DomainError as err:
        flash(err.message, "error")
        return _page(year, form, 422)
    flash(message, "info")
    return redirect(url_for("web.admin_calendar", year=year))


@web_bp.route("/admin/calendar/days", methods=["POST"])
@roles_required("admin")
def admin_calendar_add_day():
    def add(year, form):
        add_day_off(year, form.day.data, form.label.data, by=current_user, now=datetime.now(timezone.utc),
                    today=_today())
        return f"Le {form.day.data:%d/%m/%Y} est désormais chômé."
    return _change(add)


@web_bp.route("/admin/calendar/days/remove", methods=["POST"])
@roles_required("admin")
def admin_calendar_remove_day():
    def remove(year, form):
        remove_day_off(year, form.day.data, by=current_user, now=datetime.now(timezone.utc), today=_today())
        return f"Le {form.day.data:%d/%m/%Y} est désormais ouvré."
    return _change(remove)


@web_bp.route("/admin/calendar/setting", methods=["POST"])
@roles_required("admin")
def admin_calendar_setting():
    form = CalendarSettingForm()
    year = _year(request.form.get("year")) or _today().year
    if not form.validate_on_submit():
        flash("Choisissez jours ouvrés ou jours calendaires.", "error")
        return _page(year, status=422)
    set_setting(form.calendar.data, by=current_user, now=datetime.now(timezone.utc),
                default_setting=current_app.config.get("BUSINESS_CALENDAR"))
    flash(f"Décompte des délais : {SETTING_LABELS[form.calendar.data].lower()}.", "info")
    return redirect(url_for("web.admin_calendar", year=year))
