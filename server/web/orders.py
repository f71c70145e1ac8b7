"""The office list of intervention orders (filters: type, state, commune, date, assignee) and the order page."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..services.intake.termination_requests import record_requester_signature

from ..services.field.dispatch import window_label
from ..services.field.order_lists import STATE_LABELS, OrderFilters, filter_choices, names_of_users, order_page, search_orders
from .blueprint import web_bp
from .access import roles_required
from .departure_forms import OrderFilterForm, RequesterSignatureForm, options
from .paging import requested_page

READERS = ("agent", "chief", "controller", "admin")


def filters_of(form: OrderFilterForm) -> OrderFilters:
    number = lambda text: int(text) if (text or "").isdigit() else None  # noqa: E731
    return OrderFilters(type=form.type.data or None, state=form.state.data or None,
                        commune_id=number(form.commune.data), date_from=form.date_from.data,
                        date_to=form.date_to.data, assignee_id=number(form.assignee.data))


@web_bp.route("/orders")
@roles_required(*READERS)
def order_list():
    choices = filter_choices(current_user.utility)
    form = OrderFilterForm(request.args)
    form.commune.choices += options((str(c.id), c.name) for c in choices["communes"])
    form.assignee.choices += options((str(u.id), u.name) for u in choices["technicians"])
    orders = search_orders(filters_of(form), current_user.utility, requested_page()) if form.validate() else []
    return render_template("orders/list.html", form=form, orders=orders, assignees=names_of_users(orders),
                           order_states=STATE_LABELS)


@web_bp.route("/orders/<int:order_id>")
@roles_required(*READERS)
def order_detail(order_id: int):
    return render_template("orders/page.html", page=order_page(order_id, current_user), order_states=STATE_LABELS, window_of=window_label,
                           signature_form=RequesterSignatureForm())


@web_bp.route("/orders/<int:order_id>/requester-signature", methods=["POST"])
@roles_required("agent", "admin")
def order_requester_signature(order_id: int):
    """E2: the requester's signature, recorded once the order exists (printed order or counter's screen)."""
    form = RequesterSignatureForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(m for ms in form.errors.values() for m in ms) or "Formulaire expiré.")
        record_requester_signature(order_id, method=form.method.data, typed_ref=form.typed_ref.data or "",
                                   strokes_text=form.strokes.data or "", user=current_user,
                                   now=datetime.now(timezone.utc))
        flash("Signature du demandeur enregistrée (E2).", "success")
    except DomainError as err:
        flash(err.message, "error")
    return redirect(url_for("web.order_detail", order_id=order_id))
