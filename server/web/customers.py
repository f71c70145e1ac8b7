"""Customer search and the customer page."""
from flask import render_template, request
from flask_login import current_user

from ..services.intake.customers import customer_overview, search_customers
from .blueprint import web_bp
from .access import roles_required
from .webforms import SearchForm

SEARCH_ROLES = ("agent", "chief", "controller", "cashier", "admin")


@web_bp.route("/customers")
@roles_required(*SEARCH_ROLES)
def customer_search():
    form = SearchForm(request.args)
    query = form.q.data or ""
    results = search_customers(query, current_user) if form.validate() else []
    return render_template("customers/search.html", form=form, query=query, results=results)


@web_bp.route("/customers/<int:customer_id>")
@roles_required(*SEARCH_ROLES)
def customer_page(customer_id: int):
    return render_template("customers/page.html", overview=customer_overview(customer_id, current_user))
