"""The cashier's counter (E9): find an invoice, collect it, or refund a credit balance to the deposit
payer once their identity is checked (E3)."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..services.closing import cashier, prepayments
from .blueprint import web_bp
from .access import roles_required
from .billing_forms import ContractNumberForm, InvoiceSearchForm, PrepaymentForm, RefundForm
from .webforms import ConfirmForm

CASHIERS = ("cashier", "admin")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _to_counter(invoice_id: int, form=None):
    for messages in (form.errors.values() if form is not None else ()):
        flash(" ".join(messages), "error")
    return redirect(url_for("web.counter_page", invoice_id=invoice_id))


@web_bp.route("/cashier")
@roles_required(*CASHIERS)
def cashier_search():
    form = InvoiceSearchForm(request.args)
    found = cashier.find_invoices(form.q.data, current_user) if form.validate() else []
    return render_template("cashier/search.html", form=form, invoices=found,
                           currencies=cashier.invoice_currencies(found))


@web_bp.route("/cashier/invoices/<int:invoice_id>")
@roles_required(*CASHIERS)
def counter_page(invoice_id: int):
    return render_template("cashier/invoice.html", view=cashier.counter_view(invoice_id, current_user),
                           form=ConfirmForm(), refund_form=RefundForm())


@web_bp.route("/cashier/invoices/<int:invoice_id>/collect", methods=["POST"])
@roles_required(*CASHIERS)
def counter_collect(invoice_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        payment = cashier.collect(invoice_id, user=current_user, now=_now())
        flash(cashier.settlement_message(payment), "info")
    return _to_counter(invoice_id, form)


@web_bp.route("/cashier/invoices/<int:invoice_id>/refund", methods=["POST"])
@roles_required(*CASHIERS)
def counter_refund(invoice_id: int):
    form = RefundForm()
    try:
        if form.validate_on_submit():
            payment = cashier.refund(invoice_id, payee_name=form.payee_name.data,
                                     payee_identity=form.payee_identity.data, user=current_user, now=_now())
            flash(cashier.settlement_message(payment), "info")
    except DomainError as refused:
        flash(refused.message, "error")
    return _to_counter(invoice_id, form)


@web_bp.route("/cashier/account")
@roles_required(*CASHIERS)
def cashier_account_search():
    """E1: find the contract on whose account the customer pays in advance."""
    form = ContractNumberForm(request.args)
    contract = prepayments.find_contract(form.number.data, current_user) if form.validate() and form.number.data else None
    if contract is not None:
        return redirect(url_for("web.cashier_account", contract_id=contract.id))
    return render_template("cashier/account_search.html", form=form)


@web_bp.route("/cashier/contracts/<int:contract_id>/account", methods=["GET", "POST"])
@roles_required(*CASHIERS)
def cashier_account(contract_id: int):
    """E1: record a payment on account; the page lists those made and what the balance will deduct."""
    form = PrepaymentForm()
    if form.validate_on_submit():
        try:
            paid = prepayments.record_prepayment(contract_id, amount=form.amount.data, payer_name=form.payer_name.data,
                                                 payer_identity=form.payer_identity.data, user=current_user, now=_now())
            flash(prepayments.recorded_message(paid), "info")
            return redirect(url_for("web.cashier_account", contract_id=contract_id))
        except DomainError as refused:
            flash(refused.message, "error")
            for name, messages in refused.fields.items():
                if name in form:
                    form[name].errors = list(form[name].errors) + list(messages)
    status = 422 if form.errors else 200
    return render_template("cashier/account.html", view=prepayments.account_view(contract_id, current_user),
                           form=form), status
