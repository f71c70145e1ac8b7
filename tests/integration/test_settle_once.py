"""An invoice is settled once, whatever the paths that meet on it (E9 at the counter, W17 refund by transfer):
two sessions both read it 'issued', the first one settles it, the second is refused by cashier.settle's guarded
UPDATE and leaves no second Payment. On SQLite and PostgreSQL.

Flask-SQLAlchemy scopes its session to the application context: each `with app.app_context()` below is another
user's session, committing while the test's own session still holds the invoice as it read it."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.errors import IllegalTransition
from server.extensions import db
from server.models import AuditEntry, Customer, Invoice, Payment
from server.services.closing import cashier, transfers
from server.services.closing.invoices import issue_closing_invoice
from tests.integration.test_invoices_closing import (NOW, TODAY, agent, contract_at, expected_amounts, last_billed,
                                                    total_of)

FR = "FR7630004000031234567890143"
IDENTITY = "CNI1234567"


def water_invoice(credit: bool) -> int:
    """A water credit note (W17) of Hugo Bertrand, refundable at the counter (identity on file) or by transfer
    (IBAN on file); or, credit=False, a water closing invoice to collect."""
    contract = contract_at("P00000001")
    contract.iban = FR
    db.session.get(Customer, contract.customer_id).identity_document = IDENTITY
    billed = last_billed(contract)
    end_on, index = (billed.read_on - timedelta(days=20), billed.index - 4) if credit else (TODAY, billed.index + 30)
    expected = total_of(expected_amounts(contract, index=index, end_on=end_on))
    invoice = issue_closing_invoice(contract, end_on=end_on, index=index, read_on=end_on, source="customer",
                                    travel_fee=False, user=agent(), now=NOW)
    db.session.commit()
    assert invoice.state == "issued" and invoice.total == expected and (expected < 0) == credit
    return invoice.id


def settle_by(path: str, invoice_id: int):
    if path == "counter refund":
        return cashier.refund(invoice_id, payee_name="Hugo Bertrand", payee_identity=IDENTITY, user=agent("admin"),
                              now=NOW)
    if path == "transfer":
        return transfers.refund_by_transfer(invoice_id, user=agent(), now=NOW)
    return cashier.collect(invoice_id, user=agent("admin"), now=NOW)


@pytest.mark.parametrize("first,second", [("counter refund", "transfer"), ("transfer", "counter refund"),
                                          ("counter refund", "counter refund"), ("transfer", "transfer")])
def test_E9_W17_a_credit_note_refunded_at_the_counter_and_by_transfer_at_once_is_refunded_once(demo_ctx, first,
                                                                                                second):
    invoice_id = water_invoice(credit=True)
    mine = db.session.get(Invoice, invoice_id)
    assert mine.state == "issued"  # what this session read, and still believes below

    with demo_ctx.app_context():  # the other session: settles and commits first
        assert db.session.get(Invoice, invoice_id) is not mine
        settle_by(first, invoice_id)

    assert mine.state == "issued"
    with pytest.raises(IllegalTransition, match="vient d'être réglée") as refused:
        settle_by(second, invoice_id)
    assert "pas de second règlement" in refused.value.message
    db.session.expire_all()
    assert mine.state == "refunded"
    payments = db.session.scalars(select(Payment).where(Payment.invoice_id == invoice_id)).all()
    assert len(payments) == 1 and payments[0].method == ("transfer" if first == "transfer" else "counter")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "refund_payment")) == 1


def test_E9_an_invoice_collected_by_two_cashiers_at_once_is_collected_once(demo_ctx):
    invoice_id = water_invoice(credit=False)
    mine = db.session.get(Invoice, invoice_id)
    with demo_ctx.app_context():
        settle_by("collect", invoice_id)
    assert mine.state == "issued"
    with pytest.raises(IllegalTransition, match="vient d'être réglée"):
        settle_by("collect", invoice_id)
    db.session.expire_all()
    assert mine.state == "paid"
    assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.invoice_id == invoice_id)) == 1
