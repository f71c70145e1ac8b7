"""The office list of intervention orders (filters: type, state, commune, date, assignee) and the order page."""
from flask import render_template, request
from flask_login import current_user

from ..services.field.dispatch import window_label
from ..services.field.order_lists import STATE_LABELS, OrderFilters, filter_choices, names_of_users, order_page, search_orders
from .blueprint import web_bp
from .access import roles_required
from .departure_forms import OrderFilterForm, options

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
    orders = search_orders(filters_of(form), current_user.utility) if form.validate() else []
    return render_template("orders/list.html", form=form, orders=orders, assignees=names_of_users(orders),
                           order_states=STATE_LABELS)


@web_bp.route("/orders/<int:order_id>")
@roles_required(*READERS)
def order_detail(order_id: int):
    return render_template("orders/page.html", page=order_page(order_id), order_states=STATE_LABELS, window_of=window_label)
