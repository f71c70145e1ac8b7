"""Amounts in the messages the office reads (issue 15): a flash after a payment, a refund or a payment on account,
an error text and a timeline event write an amount as the pages and the PDFs do: "79,74 €" (cents, decimal comma)
and "70 577 FCFA" (no subunit, grouped by thousands), never "79.74" or "70577 XOF". Data of its own, on SQLite and
PostgreSQL."""
import html
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Contract, DossierEvent, Invoice, User
from server.services.base.accounts import hash_password
from server.services.closing.closings import issue_balance
from server.services.dossiers.dossiers import open_dossier
from tests.conftest import csrf_token_from, sign_in
from tests.integration.money_world import DEPOSIT, add_contract, at, build_world

PASSWORD = "tournee2026"
TODAY = date(2026, 11, 20)


@pytest.fixture
def world(app):
    """The money world with a cashier for each utility who can sign in, and one contract in each currency."""
    with app.app_context():
        world = build_world()
        db.session.add(User(login="caisse.w", name="Caisse Eau", role="cashier", utility="water", password_hash="-"))
        password = hash_password(PASSWORD)
        for user in db.session.scalars(select(User).where(User.login.in_(("caisse.w", "caisse.e")))):
            user.password_hash = password
        db.session.commit()
        water = add_contract(world, "AW-1", readings=[(date(2026, 9, 1), 1000, True)])
        power = add_contract(world, "AE-1", service="electricity", deposit=DEPOSIT,
                             readings=[(date(2026, 10, 1), 5000, True)])
        return {"water": water.id, "power": power.id}


def signed_in(app, login: str):
    client = app.test_client()
    assert sign_in(client, login, PASSWORD).status_code == 302
    return client


def issued_invoice(contract_id: int, number: str, total: str) -> int:
    """An issued invoice waiting at the counter, with the amount the test needs."""
    contract = db.session.get(Contract, contract_id)
    invoice = Invoice(number=number, kind="periodic", state="issued", contract_id=contract.id,
                      customer_id=contract.customer_id, issued_on=TODAY, total=Decimal(total))
    db.session.add(invoice)
    db.session.commit()
    return invoice.id


def posted(client, page_url: str, action_url: str, **fields) -> str:
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    answer = client.post(action_url, data={"csrf_token": token, **fields}, follow_redirects=True)
    return html.unescape(answer.get_data(as_text=True))


def test_a_collection_at_the_counter_says_the_amount_in_euros_with_cents_and_a_comma(app, world):
    with app.app_context():
        invoice_id = issued_invoice(world["water"], "FP-0001", "79.74")
    page = posted(signed_in(app, "caisse.w"), f"/cashier/invoices/{invoice_id}",
                  f"/cashier/invoices/{invoice_id}/collect")
    assert "Encaissement enregistré (79,74 €) : facture réglée." in page
    assert "79.74" not in page and "EUR" not in page


def test_a_refund_at_the_counter_says_the_amount_in_cfa_francs_grouped_by_thousands(app, world):
    with app.app_context():
        invoice_id = issued_invoice(world["power"], "FS-0002", "-70577")
    page = posted(signed_in(app, "caisse.e"), f"/cashier/invoices/{invoice_id}",
                  f"/cashier/invoices/{invoice_id}/refund", payee_name="Alex Client", payee_identity="CNI AE-1")
    assert "Remboursement à Alex Client enregistré (70 577 FCFA) : facture remboursée." in page
    assert "70577" not in page and "XOF" not in page


@pytest.mark.parametrize("contract,login,typed,said", [
    ("power", "caisse.e", "5000", "5 000 FCFA"),
    ("water", "caisse.w", "1234,5", "1 234,50 €"),
])
def test_E1_a_payment_on_account_is_announced_as_the_account_lists_it(app, world, contract, login, typed, said):
    url = f"/cashier/contracts/{world[contract]}/account"
    page = posted(signed_in(app, login), url, url, amount=typed, payer_name="Koffi Client", payer_identity="CNI 1")
    assert f"Paiement d'avance de {said} enregistré sur le compte." in page
    assert f"<td>{said}</td>" in page  # the list of payments on account on the same page


@pytest.mark.parametrize("contract,login,most", [
    ("power", "caisse.e", "100 000 000 FCFA"),
    ("water", "caisse.w", "100 000 000,00 €"),
])
def test_E1_an_amount_above_the_limit_is_refused_with_the_limit_written_as_on_the_pages(app, world, contract, login,
                                                                                         most):
    url = f"/cashier/contracts/{world[contract]}/account"
    page = posted(signed_in(app, login), url, url, amount="200000000", payer_name="Koffi Client", payer_identity="")
    assert f"Montant invalide : {most} au plus." in page and f"Montant de {most} au plus." in page
    assert "100000000" not in page


def test_E8_the_balance_invoice_on_the_timeline_says_its_total_in_cfa_francs(app, world):
    with app.app_context():
        contract = db.session.get(Contract, world["power"])
        agent = db.session.scalar(select(User).where(User.login == "agent.e"))
        dep = open_dossier("DEP", utility="electricity", contract=contract, requested_on=TODAY, now=at(TODAY),
                           user=agent, message="Départ client.")
        [effect] = issue_balance(contract, index=5321, read_on=TODAY, user=agent, now=at(TODAY), dossier=dep)
        db.session.commit()
        invoice = db.session.scalar(select(Invoice).where(Invoice.contract_id == contract.id))
        event = db.session.scalar(select(DossierEvent).where(DossierEvent.kind == "balance_invoice"))
        assert invoice.total == Decimal("-6222")
        assert effect == f"Facture de solde {invoice.number} : -6 222 FCFA (E8)."
        assert event.message == f"Facture de solde {invoice.number} : -6 222 FCFA (E8), index 5321 du 20/11/2026."
