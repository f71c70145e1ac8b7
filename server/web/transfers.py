"""Refunds by bank transfer for the back office and accounting: the list (IBANs masked) and its CSV export
(full IBANs, for the bank). The refund itself is made from the invoice page (web.invoices)."""
from flask import Response, render_template, request
from flask_login import current_user

from ..services.closing import transfers
from .blueprint import web_bp
from .access import roles_required
from .paging import requested_page
from .billing_forms import TransfersPeriodForm

READERS = transfers.TRANSFER_ROLES  # who refunds by transfer lists and exports the transfers


def _rows(page=None):
    form = TransfersPeriodForm(request.args)
    valid = form.validate()
    since, until = (form.since.data, form.until.data) if valid else (None, None)
    return form, transfers.refund_transfers(current_user, since=since, until=until, page=page)


@web_bp.route("/invoices/transfers")
@roles_required(*READERS)
def transfer_list():
    form, rows = _rows(requested_page())
    return render_template("invoices/transfers.html", form=form, rows=rows,
                           csv_args={k: v for k, v in request.args.items() if k in ("since", "until") and v})


@web_bp.route("/invoices/transfers.csv")
@roles_required(*READERS)
def transfers_csv():
    _, rows = _rows()
    return Response(transfers.transfers_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="virements-remboursement.csv"'})
