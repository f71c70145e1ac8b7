"""E1: no suspension; a payment on account recorded at the cashier and deducted, once, from the contract's
balance invoice (E8). SQLite and PostgreSQL, data of its own."""
import html
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Contract, Invoice, Prepayment, User
from server.services.closing.closings import issue_balance
from server.services.closing.prepayments import record_prepayment
from server.errors import DomainError
from tests.conftest import csrf_token_from, sign_in
from tests.integration.flow_world import build_electricity_world, electricity_contract
from tests.review_reports import NOW


@pytest.fixture
def cashier(app):
    with app.app_context():
        build_electricity_world(NOW.date())
        contract_id = electricity_contract("FP0001", NOW.date()).id
    client = app.test_client()
    assert sign_in(client, "caisse.flux").status_code == 302
    return client, contract_id


def pay(client, contract_id, **fields):
    page = client.get(f"/cashier/contracts/{contract_id}/account").get_data(as_text=True)
    return client.post(f"/cashier/contracts/{contract_id}/account",
                       data={"csrf_token": csrf_token_from(page), "payer_name": "Koffi Client",
                             "payer_identity": "CNI FP0001", **fields})


def test_E1_cashier_finds_the_contract_and_records_a_payment_on_account(app, cashier):
    client, contract_id = cashier
    found = client.get("/cashier/account?number=fp0001")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/cashier/contracts/{contract_id}/account")
    assert pay(client, contract_id, amount="5 000").status_code == 302
    page = html.unescape(client.get(f"/cashier/contracts/{contract_id}/account").get_data(as_text=True))
    assert "Koffi Client" in page and "disponible" in page
    with app.app_context():
        [paid] = db.session.scalars(select(Prepayment)).all()
        assert (paid.amount, paid.state, paid.payer_identity) == (Decimal("5000"), "available", "CNI FP0001")
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "record_prepayment"))


@pytest.mark.parametrize("amount", ["", "abc", "-10", "0", "12,5", "1e12", "NaN"])
def test_E1_a_bad_amount_is_refused_in_french_and_nothing_is_recorded(app, cashier, amount):
    client, contract_id = cashier
    answer = pay(client, contract_id, amount=amount)
    assert answer.status_code == 422
    text = html.unescape(answer.get_data(as_text=True))
    assert "Montant" in text
    with app.app_context():
        assert db.session.scalars(select(Prepayment)).all() == []


def test_E1_E8_the_balance_deducts_the_payments_on_account_once(app, cashier):
    client, contract_id = cashier
    pay(client, contract_id, amount="5000")
    pay(client, contract_id, amount="2500")
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        issue_balance(contract, index=4300, read_on=NOW.date(), user=None, now=NOW)
        db.session.commit()
        invoice = db.session.scalar(select(Invoice).where(Invoice.kind == "balance"))
        last = invoice.lines[-1]
        assert (last["label"], Decimal(last["amount"])) == ("Acomptes versés sur le compte déduits",
                                                             Decimal("-7500"))
        assert sum(Decimal(line["amount"]) for line in invoice.lines) == invoice.total
        assert {p.state for p in db.session.scalars(select(Prepayment))} == {"used"}
        assert {p.used_by_invoice_id for p in db.session.scalars(select(Prepayment))} == {invoice.id}


def test_E1_no_payment_on_account_once_terminated(app, cashier):
    _, contract_id = cashier
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        contract.state = "terminated"
        db.session.commit()
        user = db.session.scalar(select(User).where(User.login == "caisse.flux"))
        with pytest.raises(DomainError, match="résilié"):
            record_prepayment(contract_id, amount="100", payer_name="X", payer_identity="", user=user, now=NOW)
