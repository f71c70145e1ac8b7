"""Invoices in the office: the invoice page (with the refund of a credit balance by transfer and the customer's
bank details it goes to), the controller's screen (E11 invoice-reliability control: draft -> checked -> issued,
removal reports to look at) and the W21 list of unpaid closing invoices."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..services.rules.formats import money, number, price
from ..errors import DomainError
from ..services.closing import cashier, deposits, invoice_controls, invoices, transfers
from .blueprint import web_bp
from .access import roles_required
from .paging import requested_page
from .billing_forms import BankDetailsForm, InvoiceSearchForm, RefuseInvoiceForm
from .webforms import ConfirmForm

CONTROLLERS = ("controller", "admin")


@web_bp.app_template_filter("money")
def money_filter(amount, currency: str = "EUR") -> str:
    """1 234,56 € / 50 000 FCFA in the office pages, as on the printed invoice."""
    return money(amount, currency)


@web_bp.app_template_filter("quantity")
def quantity_filter(value) -> str:
    return number(value)


@web_bp.app_template_filter("price")
def price_filter(value) -> str:
    return price(value)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _to_control(form=None):
    for messages in (form.errors.values() if form is not None else ()):
        flash(" ".join(messages), "error")
    return redirect(url_for("web.invoice_control"))


@web_bp.route("/invoices")
@roles_required("agent", "controller", "cashier", "admin")
def invoice_list():
    form = InvoiceSearchForm(request.args)
    found = invoices.search_invoices(form.q.data if form.validate() else "", current_user, page=requested_page())
    return render_template("invoices/list.html", form=form, invoices=found, labels=invoices.STATE_LABELS)


@web_bp.route("/invoices/<int:invoice_id>")
@roles_required("agent", "controller", "cashier", "admin")
def invoice_page(invoice_id: int):
    return _invoice_page(invoice_id)


def _invoice_page(invoice_id: int, status: int = 200):
    page = transfers.invoice_page(invoice_id, current_user)
    return render_template("invoices/page.html", view=page.view, invoice=page.view.invoice,
                           labels=invoices.STATE_LABELS, transfer=page.transfer, transfer_form=ConfirmForm(),
                           bank_form=BankDetailsForm(formdata=None)), status


@web_bp.route("/invoices/<int:invoice_id>/transfer-refund", methods=["POST"])
@roles_required(*transfers.TRANSFER_ROLES)
def invoice_transfer_refund(invoice_id: int):
    """A credit balance refunded by bank transfer to the IBAN on file for the contract; a refusal shows the
    page again with the reason."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _refused(invoice_id, form)
    try:
        payment = transfers.refund_by_transfer(invoice_id, user=current_user, now=_now())
    except DomainError as refused:
        flash(refused.message, "error")
        return _invoice_page(invoice_id, refused.status)
    flash(cashier.settlement_message(payment), "info")
    return redirect(url_for("web.invoice_page", invoice_id=invoice_id))


@web_bp.route("/invoices/<int:invoice_id>/bank-details", methods=["POST"])
@roles_required(*transfers.TRANSFER_ROLES)
def invoice_bank_details(invoice_id: int):
    """The customer's bank details recorded on the invoice's contract (audited); the IBAN typed is never
    shown back (W24)."""
    form = BankDetailsForm()
    if not form.validate_on_submit():
        return _refused(invoice_id, form)
    try:
        transfers.record_bank_details(invoice_id, form.iban.data, user=current_user, now=_now())
    except DomainError as refused:
        flash(refused.message, "error")
        return _invoice_page(invoice_id, refused.status)
    flash("Coordonnées bancaires du client enregistrées. Le remboursement par virement doit maintenant être fait "
          "par un autre agent.", "info")
    return redirect(url_for("web.invoice_page", invoice_id=invoice_id))


def _refused(invoice_id: int, form):
    for messages in form.errors.values():
        flash(" ".join(messages), "error")
    return _invoice_page(invoice_id, 422)


@web_bp.route("/invoices/control")
@roles_required(*CONTROLLERS)
def invoice_control():
    return render_template("invoices/control.html", invoices=invoice_controls.invoices_to_control(current_user),
                           tasks=invoice_controls.removal_reports_to_control(current_user), labels=invoices.STATE_LABELS,
                           form=ConfirmForm(), refuse_form=RefuseInvoiceForm())


@web_bp.route("/invoices/<int:invoice_id>/check", methods=["POST"], defaults={"step": "check"})
@web_bp.route("/invoices/<int:invoice_id>/issue", methods=["POST"], defaults={"step": "issue"})
@roles_required(*CONTROLLERS)
def invoice_control_step(invoice_id: int, step: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        invoice = invoice_controls.control_invoice(invoice_id, step, user=current_user, now=_now())
        flash(f"Facture {invoice.number} : {invoices.STATE_LABELS[invoice.state]}.", "info")
    return _to_control(form)


@web_bp.route("/invoices/<int:invoice_id>/refuse", methods=["POST"])
@roles_required(*CONTROLLERS)
def invoice_refuse(invoice_id: int):
    form = RefuseInvoiceForm()
    if form.validate_on_submit():
        invoice = invoice_controls.cancel_draft_invoice(invoice_id, form.reason.data, user=current_user, now=_now())
        flash(f"Facture {invoice.number} annulée.", "info")
    return _to_control(form)


@web_bp.route("/invoices/control/tasks/<int:task_id>/done", methods=["POST"])
@roles_required(*CONTROLLERS)
def removal_control_done(task_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        invoice_controls.close_removal_control(task_id, user=current_user, now=_now())
        flash("Contrôle du compte-rendu de dépose enregistré.", "info")
    return _to_control(form)


@web_bp.route("/invoices/overdue")
@roles_required("agent", "controller", "cashier", "admin")
def invoices_overdue():
    rows = invoices.overdue_closing_invoices(current_user, today=_now().date())
    return render_template("invoices/overdue.html", rows=rows, warning_days=invoices.WARNING_DAYS)


@web_bp.route("/invoices/deposits")
@roles_required("agent", "controller", "cashier", "admin")
def unsettled_deposits():
    after = request.args.get("after", "0")
    listing = deposits.unsettled_deposits(current_user, after=int(after) if after.isdigit() else 0)
    return render_template("invoices/deposits.html", listing=listing)
