"""PDF downloads: orders (one, or a day's batch), invoices, 1-70 letters, reports."""
import io
from datetime import date

from flask import current_app, render_template, request, send_file
from flask_login import current_user

from ..blob_stores import store_for
from ..errors import DomainError
from ..services.reporting import printouts
from .blueprint import web_bp
from .access import roles_required
from .billing_forms import PrintDayForm


def _pdf(named: tuple[str, bytes]):
    name, data = named
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name, as_attachment=False,
                     max_age=0)


@web_bp.route("/orders/<int:order_id>/pdf")
@roles_required("agent", "chief", "admin")
def order_pdf(order_id: int):
    return _pdf(printouts.order_pdf(order_id, base_url=request.url_root, user=current_user))


@web_bp.route("/orders/print")
@roles_required("agent", "chief", "admin")
def orders_print():
    form = PrintDayForm(request.args)
    if "date" not in request.args:
        return render_template("invoices/print_orders.html", form=form)
    if not form.validate():
        raise DomainError("Indiquez le jour à imprimer au format AAAA-MM-JJ.", form.errors)
    day: date = form.date.data
    return _pdf(printouts.day_orders_pdf(day, base_url=request.url_root, user=current_user))


@web_bp.route("/invoices/<int:invoice_id>/pdf")
@roles_required("agent", "controller", "cashier", "admin")
def invoice_pdf(invoice_id: int):
    return _pdf(printouts.invoice_pdf(invoice_id, user=current_user))


@web_bp.route("/contracts/<int:contract_id>/pdf")
@roles_required("agent", "cashier", "admin")
def contract_pdf(contract_id: int):
    return _pdf(printouts.contract_pdf(contract_id, user=current_user))


@web_bp.route("/letters")
@roles_required("agent", "admin")
def letter_list():
    return render_template("invoices/letters.html", letters=printouts.letters_to_print(current_user))


@web_bp.route("/letters/<int:letter_id>/pdf")
@roles_required("agent", "admin")
def letter_pdf(letter_id: int):
    return _pdf(printouts.letter_pdf(letter_id, user=current_user))


@web_bp.route("/reports/<int:report_id>/pdf")
@roles_required("agent", "chief", "controller", "admin")
def report_pdf(report_id: int):
    store = store_for(current_app)
    return _pdf(printouts.report_pdf(report_id, store=store, user=current_user))
