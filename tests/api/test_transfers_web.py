"""Refund of a water credit note by transfer through the office pages (test client, SQLite and PostgreSQL):
the prefilled form on the invoice page, a refusal keeping what was typed, the list and its CSV read back."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Contract, DeliveryPoint, Payment, User
from server.services.invoices import issue_closing_invoice, last_billed_reading
from tests.conftest import csrf_token_from, sign_in

NOW = datetime.now(timezone.utc)
FR = "FR7630004000031234567890143"


@pytest.fixture
def credit(demo_app):
    """A W17 water credit note of Hugo Bertrand (P00000001), whose contract holds a direct-debit IBAN."""
    with demo_app.app_context():
        point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == "P00000001"))
        contract = db.session.scalar(select(Contract).where(Contract.delivery_point_id == point.id))
        contract.direct_debit, contract.iban = True, FR
        billed = last_billed_reading(contract.point.meters[0])
        end_on = billed.read_on - timedelta(days=20)
        invoice = issue_closing_invoice(contract, end_on=end_on, index=billed.index - 4, read_on=end_on,
                                        source="customer", travel_fee=False, now=NOW)
        db.session.commit()
        assert invoice.kind == "credit_note" and invoice.total < 0
        return {"id": invoice.id, "number": invoice.number, "amount": f"{-invoice.total:.2f}".replace(".", ",")}


def client_of(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def test_agent_refunds_a_credit_note_by_transfer_and_exports_it(demo_app, credit):
    client = client_of(demo_app, "agent.eau")
    page = client.get(f"/invoices/{credit['id']}").get_data(as_text=True)
    assert "Rembourser par virement" in page
    assert 'value="FR76 3000 4000 0312 3456 7890 143"' in page and 'value="Hugo Bertrand"' in page
    token = csrf_token_from(page)

    refused = client.post(f"/invoices/{credit['id']}/transfer-refund",
                          data={"csrf_token": token, "iban": "FR76 3000 4000 0312 3456 7890 134",
                                "holder_name": "Hugo Bertrand"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "clé de contrôle" in html
    assert 'value="FR76 3000 4000 0312 3456 7890 134"' in html  # what was typed is kept
    wrong_holder = client.post(f"/invoices/{credit['id']}/transfer-refund",
                               data={"csrf_token": token, "iban": FR, "holder_name": "Camille Simon"})
    assert wrong_holder.status_code == 422 and "titulaire du contrat" in wrong_holder.get_data(as_text=True)
    without_token = client.post(f"/invoices/{credit['id']}/transfer-refund",
                                data={"iban": FR, "holder_name": "Hugo Bertrand"})
    assert without_token.status_code == 400  # CSRF

    done = client.post(f"/invoices/{credit['id']}/transfer-refund",
                       data={"csrf_token": token, "iban": "fr76 3000 4000 0312 3456 7890 143",
                             "holder_name": "BERTRAND Hugo"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Remboursement par virement à Hugo Bertrand enregistré" in html
    assert "Remboursée par virement le" in html and "**** 0143" in html and "remboursée" in html
    assert 'action="/invoices/%d/transfer-refund"' % credit["id"] not in html
    again = client.post(f"/invoices/{credit['id']}/transfer-refund",
                        data={"csrf_token": token, "iban": FR, "holder_name": "Hugo Bertrand"})
    assert again.status_code == 409 and "déjà réglée" in again.get_data(as_text=True)

    listing = client.get("/invoices/transfers").get_data(as_text=True)
    assert credit["number"] in listing and "**** 0143" in listing and FR not in listing
    assert "Virements de remboursement" in listing and 'href="/invoices/transfers.csv"' in listing
    answer = client.get("/invoices/transfers.csv")
    assert answer.mimetype == "text/csv" and "virements-remboursement.csv" in answer.headers["Content-Disposition"]
    assert answer.data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "N° facture", "Client (titulaire du compte)", "IBAN", "Montant", "Devise"]
    assert rows[1][1:] == [credit["number"], "Hugo Bertrand", FR, credit["amount"], "EUR"]  # not as typed
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", rows[1][0])
    tomorrow = (NOW + timedelta(days=2)).date().isoformat()
    later = client.get(f"/invoices/transfers.csv?since={tomorrow}").data.decode("utf-8-sig").splitlines()
    assert len(later) == 1  # the header only

    with demo_app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.invoice_id == credit["id"]))
        agent = db.session.scalar(select(User).where(User.login == "agent.eau"))
        assert (payment.method, payment.iban, payment.cashier_id) == ("transfer", FR, agent.id)


def test_only_the_back_office_gets_the_form_and_the_list(demo_app, credit):
    with demo_app.app_context():  # a cashier of both utilities sees the water invoice, not the transfer form
        db.session.scalar(select(User).where(User.login == "caisse")).utility = None
        db.session.commit()
    cashier = client_of(demo_app, "caisse")
    page = cashier.get(f"/invoices/{credit['id']}").get_data(as_text=True)
    assert "Rembourser par virement" not in page and "Régler au guichet" in page
    assert cashier.get("/invoices/transfers").status_code == 403
    token = csrf_token_from(page)
    assert cashier.post(f"/invoices/{credit['id']}/transfer-refund",
                        data={"csrf_token": token, "iban": FR, "holder_name": "Hugo Bertrand"}).status_code == 403
    other_utility = client_of(demo_app, "agent.elec")
    assert other_utility.get(f"/invoices/{credit['id']}").status_code == 404
    assert credit["number"] not in other_utility.get("/invoices/transfers").get_data(as_text=True)
    admin = client_of(demo_app, "admin")
    assert "Virements de remboursement" in admin.get("/").get_data(as_text=True)
    assert "Rembourser par virement" in admin.get(f"/invoices/{credit['id']}").get_data(as_text=True)
