"""Refund of a water credit note (W17) by transfer through the office pages (test client, SQLite and PostgreSQL):
the refund goes to the IBAN on file, the customer's bank details are recorded by another action and another
agent refunds (two-person rule), the list and its CSV read back; no HTML page ever holds a full IBAN (W24)."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Contract, DeliveryPoint, Payment, User
from server.services.closing.invoices import issue_closing_invoice, last_billed_reading
from tests.conftest import csrf_token_from, sign_in

NOW = datetime.now(timezone.utc)
FR = "FR7630004000031234567890143"
FR_SPACED = "FR76 3000 4000 0312 3456 7890 143"
OTHER = "FR1420041010050500013M02606"  # an account that is not the customer's


def html_of(response) -> str:
    """The page, checked: no full IBAN in any form (W24), only its last four characters."""
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    compact = re.sub(r"\s+", "", text).upper()
    for iban in (FR, OTHER):
        assert iban not in compact, f"full IBAN in the page: {response.request.path}"
    return text


def iban_input(html: str) -> str:
    return re.search(r'<input [^>]*name="iban"[^>]*value="([^"]*)"', html).group(1)


def make_credit(app, iban: str | None) -> dict:
    """A W17 water credit note of Hugo Bertrand (P00000001); the contract holds `iban` (as given at the
    departure, W13)."""
    with app.app_context():
        point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == "P00000001"))
        contract = db.session.scalar(select(Contract).where(Contract.delivery_point_id == point.id))
        contract.direct_debit, contract.iban = iban is not None, iban
        billed = last_billed_reading(contract.point.meters[0])
        end_on = billed.read_on - timedelta(days=20)
        invoice = issue_closing_invoice(contract, end_on=end_on, index=billed.index - 4, read_on=end_on,
                                        source="customer", travel_fee=False, now=NOW)
        db.session.commit()
        assert invoice.kind == "credit_note" and invoice.total < 0
        return {"id": invoice.id, "number": invoice.number, "amount": f"{-invoice.total:.2f}".replace(".", ","),
                "contract": contract.id, "customer": contract.customer_id}


@pytest.fixture
def credit(demo_app):
    return make_credit(demo_app, FR)


@pytest.fixture
def credit_without_iban(demo_app):
    return make_credit(demo_app, None)


def client_of(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def test_W17_agent_refunds_to_the_iban_on_file_and_exports_it(demo_app, credit):
    client = client_of(demo_app, "agent.eau")
    page = html_of(client.get(f"/invoices/{credit['id']}"))
    assert "Rembourser par virement" in page and "Hugo Bertrand" in page
    assert "compte se terminant par 0143" in page and 'name="holder_name"' not in page
    assert 'action="/invoices/%d/transfer-refund"' % credit["id"] in page
    assert iban_input(page) == ""  # the bank details form, empty
    token = csrf_token_from(page)
    without_token = client.post(f"/invoices/{credit['id']}/transfer-refund")
    assert without_token.status_code == 400  # CSRF

    # an IBAN and a name slipped into the request change nothing: the transfer goes to the account on file
    done = client.post(f"/invoices/{credit['id']}/transfer-refund",
                       data={"csrf_token": token, "iban": OTHER, "holder_name": "Camille Simon"},
                       follow_redirects=True)
    html = html_of(done)
    assert done.status_code == 200
    assert f"Remboursement par virement à Hugo Bertrand enregistré ({credit['amount']} €) : facture remboursée." in html
    assert "Remboursée par virement le" in html and "sur le compte se terminant par 0143 de Hugo Bertrand" in html
    assert 'action="/invoices/%d/transfer-refund"' % credit["id"] not in html
    assert "Coordonnées bancaires du client" not in html  # refunded: nothing left to record
    again = client.post(f"/invoices/{credit['id']}/transfer-refund", data={"csrf_token": token})
    assert again.status_code == 409 and "déjà réglée" in html_of(again)

    listing = html_of(client.get("/invoices/transfers"))
    assert credit["number"] in listing and "**** 0143" in listing
    assert "Virements de remboursement" in listing and 'href="/invoices/transfers.csv"' in listing
    answer = client.get("/invoices/transfers.csv")
    assert answer.mimetype == "text/csv" and "virements-remboursement.csv" in answer.headers["Content-Disposition"]
    assert answer.data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "N° facture", "Client (titulaire du compte)", "IBAN", "Montant", "Devise"]
    assert rows[1][1:] == [credit["number"], "Hugo Bertrand", FR, credit["amount"], "EUR"]  # the full IBAN: here only
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", rows[1][0])
    tomorrow = (NOW + timedelta(days=2)).date().isoformat()
    later = client.get(f"/invoices/transfers.csv?since={tomorrow}").data.decode("utf-8-sig").splitlines()
    assert len(later) == 1  # the header only

    with demo_app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.invoice_id == credit["id"]))
        agent = db.session.scalar(select(User).where(User.login == "agent.eau"))
        assert (payment.method, payment.iban, payment.payee_name, payment.cashier_id) == \
            ("transfer", FR, "Hugo Bertrand", agent.id)


def test_W17_without_an_iban_bank_details_first_then_another_agent_refunds(demo_app, credit_without_iban):
    credit = credit_without_iban
    agent = client_of(demo_app, "agent.eau")
    page = html_of(agent.get(f"/invoices/{credit['id']}"))
    assert "aucun IBAN n&#39;est enregistré pour le contrat" in page and "Coordonnées bancaires du client" in page
    assert 'action="/invoices/%d/transfer-refund"' % credit["id"] not in page
    token = csrf_token_from(page)
    refused = agent.post(f"/invoices/{credit['id']}/transfer-refund", data={"csrf_token": token})
    assert refused.status_code == 422 and "Enregistrer d&#39;abord les coordonnées bancaires" in html_of(refused)

    typo = agent.post(f"/invoices/{credit['id']}/bank-details", data={"csrf_token": token, "iban": FR[:-1] + "4"})
    html = html_of(typo)  # what was typed is not shown back (W24)
    assert typo.status_code == 422 and "clé de contrôle" in html and iban_input(html) == ""
    recorded = agent.post(f"/invoices/{credit['id']}/bank-details",
                          data={"csrf_token": token, "iban": FR_SPACED.lower()}, follow_redirects=True)
    html = html_of(recorded)
    assert "Coordonnées bancaires du client enregistrées" in html and "compte se terminant par 0143" in html
    assert "Un autre agent doit faire le remboursement" in html
    assert 'action="/invoices/%d/transfer-refund"' % credit["id"] not in html
    same = agent.post(f"/invoices/{credit['id']}/bank-details", data={"csrf_token": token, "iban": FR})
    assert same.status_code == 422 and "déjà celui du contrat" in html_of(same)
    own = agent.post(f"/invoices/{credit['id']}/transfer-refund", data={"csrf_token": token})
    assert own.status_code == 403 and "vous avez vous-même enregistré l&#39;IBAN" in html_of(own)

    admin = client_of(demo_app, "admin")
    page = html_of(admin.get(f"/invoices/{credit['id']}"))
    assert 'action="/invoices/%d/transfer-refund"' % credit["id"] in page and "Un autre agent" not in page
    done = admin.post(f"/invoices/{credit['id']}/transfer-refund", data={"csrf_token": csrf_token_from(page)},
                      follow_redirects=True)
    assert "Remboursement par virement à Hugo Bertrand enregistré" in html_of(done)

    with demo_app.app_context():
        assert db.session.scalar(select(Payment.iban).where(Payment.invoice_id == credit["id"])) == FR
        change = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contract_iban_changed"))
        assert change.object_id == str(credit["contract"])
        assert (change.details["old_iban"], change.details["new_iban"]) == (None, "**** 0143")
        refusals = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "transfer_refused")).all()
        assert [r.details["reason"] for r in refusals] == ["iban", "same_agent"]


def test_W24_no_html_page_holds_the_full_iban(demo_app, credit):
    """Every page around the refund, for every role that sees it: the IBAN on file shows as its last four."""
    with demo_app.app_context():  # a cashier of both utilities sees the water invoice
        db.session.scalar(select(User).where(User.login == "caisse")).utility = None
        db.session.commit()
    paths = [f"/invoices/{credit['id']}", "/invoices/transfers", f"/customers/{credit['customer']}",
             f"/invoices?q={credit['number']}", "/"]
    for login in ("agent.eau", "admin", "caisse"):
        client = client_of(demo_app, login)
        for path in paths:
            answer = client.get(path)
            if answer.status_code == 200:
                html_of(answer)
    admin = client_of(demo_app, "admin")
    token = csrf_token_from(html_of(admin.get(f"/invoices/{credit['id']}")))
    html_of(admin.post(f"/invoices/{credit['id']}/bank-details", data={"csrf_token": token, "iban": FR}))  # refused
    html_of(admin.post(f"/invoices/{credit['id']}/bank-details", data={"csrf_token": token, "iban": OTHER},
                       follow_redirects=True))  # recorded
    agent = client_of(demo_app, "agent.eau")
    token = csrf_token_from(html_of(agent.get(f"/invoices/{credit['id']}")))
    done = html_of(agent.post(f"/invoices/{credit['id']}/transfer-refund", data={"csrf_token": token},
                              follow_redirects=True))
    assert "sur le compte se terminant par 2606" in done
    assert "**** 2606" in html_of(agent.get("/invoices/transfers"))
    for path in paths:
        html_of(agent.get(path))


def test_only_the_back_office_gets_the_forms_and_the_list(demo_app, credit):
    with demo_app.app_context():  # a cashier of both utilities sees the water invoice, not the transfer forms
        db.session.scalar(select(User).where(User.login == "caisse")).utility = None
        db.session.commit()
    cashier = client_of(demo_app, "caisse")
    page = html_of(cashier.get(f"/invoices/{credit['id']}"))
    assert "Rembourser par virement" not in page and "Coordonnées bancaires du client" not in page
    assert "Régler au guichet" in page
    assert cashier.get("/invoices/transfers").status_code == 403
    token = csrf_token_from(page)
    assert cashier.post(f"/invoices/{credit['id']}/transfer-refund", data={"csrf_token": token}).status_code == 403
    assert cashier.post(f"/invoices/{credit['id']}/bank-details",
                        data={"csrf_token": token, "iban": OTHER}).status_code == 403
    other_utility = client_of(demo_app, "agent.elec")
    assert other_utility.get(f"/invoices/{credit['id']}").status_code == 404
    assert credit["number"] not in other_utility.get("/invoices/transfers").get_data(as_text=True)
    admin = client_of(demo_app, "admin")
    assert "Virements de remboursement" in admin.get("/").get_data(as_text=True)
    assert "Rembourser par virement" in admin.get(f"/invoices/{credit['id']}").get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.scalar(select(Contract.iban).where(Contract.id == credit["contract"])) == FR
