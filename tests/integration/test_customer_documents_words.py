"""What the customer receives cites no rule of the procedure (issue 15): the invoice lines the services write,
the printed order the requester signs, the 1-70 letter, the contract and the right-of-access extract read back
from their PDFs carry no rule id ("W20", "E1") and write amounts as the invoices do; an invoice issued before keeps
the labels it was issued with.
Data of its own, on SQLite and PostgreSQL."""
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from server.extensions import db
from server.models import Contract, Invoice, Letter, User
from server.services.closing.closings import issue_balance
from server.services.closing.prepayments import record_prepayment
from server.services.intake.departures import WaterDeparture, order_curb_stop_closure, record_water_departure
from server.services.own_data.access_requests import customer_record
from server.services.reporting.printouts import contract_pdf, invoice_pdf, letter_pdf, order_pdf
from server.documents.customer_data import render_customer_data_pdf
from server.local_time import utility_zone
from tests.integration.money_world import DEPOSIT, add_contract, at, build_world

# A rule id of the procedure: W1…W24, E1…E12 (meter serials such as "W2500000001" are not rule ids).
RULE_ID = re.compile(r"\b[WE]\d{1,2}\b")
TODAY = date(2026, 11, 20)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def extract_pdf(customer_id: int, agent: User) -> bytes:
    record = customer_record(customer_id, by=agent, now=at(TODAY))
    return render_customer_data_pdf(record, zone=utility_zone(record["utility"]))


def login(name: str) -> User:
    return db.session.scalar(select(User).where(User.login == name))


@pytest.fixture
def world(app_ctx):
    return build_world()


def balance_with_a_refund_and_a_payment_on_account(world) -> Invoice:
    """E8 balance of an electricity contract whose paid bill was cancelled (refunded on it, W20) and on whose
    account the customer paid in advance (deducted, E1), the deposit deducted last."""
    contract = add_contract(world, "KA-77", service="electricity", deposit=DEPOSIT,
                            readings=[(date(2026, 10, 1), 5000, True)])
    db.session.add(Invoice(number="FP-0042", kind="periodic", state="cancelled", contract_id=contract.id,
                           customer_id=contract.customer_id, issued_on=date(2026, 9, 5), total=Decimal("8000"),
                           paid_on=date(2026, 9, 12)))
    db.session.commit()
    record_prepayment(contract.id, amount="5000", payer_name="Alex Client", payer_identity="CNI KA-77",
                      user=world.user("caisse.e"), now=at(date(2026, 11, 2)))
    issue_balance(contract, index=5321, read_on=TODAY, user=world.user("agent.e"), now=at(TODAY))
    db.session.commit()
    return db.session.scalar(select(Invoice).where(Invoice.contract_id == contract.id, Invoice.kind == "balance"))


def test_W20_E1_a_fresh_balance_with_a_refund_and_a_payment_on_account_cites_no_rule_on_its_lines_or_pdf(world):
    invoice = balance_with_a_refund_and_a_payment_on_account(world)
    labels = [line["label"] for line in invoice.lines]
    assert "Remboursement de la facture FP-0042 annulée, réglée le 12/09/2026" in labels
    assert "Acomptes versés sur le compte déduits" in labels
    assert not [label for label in labels if RULE_ID.search(label)]
    _, pdf = invoice_pdf(invoice.id, user=login("agent.e"))
    text = text_of(pdf)
    assert "FP-0042" in text and "Acomptes versés sur le compte déduits" in text
    assert RULE_ID.findall(text) == []


def test_an_invoice_issued_before_keeps_the_labels_it_was_issued_with(world):
    """Issued invoices are never rewritten: the stored lines, rule ids included, print as they were."""
    contract = add_contract(world, "KA-78", service="electricity", readings=[(date(2026, 10, 1), 5000, True)])
    old = [{"label": "Remboursement de la facture FP-0007 annulée, réglée le 12/03/2026 (W20)", "quantity": "1",
            "unit": "facture", "unit_price": "-8000", "amount": "-8000", "taxable": False},
           {"label": "Acomptes versés sur le compte (E1) déduits", "quantity": "1", "unit": "forfait",
            "unit_price": "-5000", "amount": "-5000", "taxable": False}]
    invoice = Invoice(number="FS-0001", kind="balance", state="issued", contract_id=contract.id,
                      customer_id=contract.customer_id, issued_on=date(2026, 4, 1), total=Decimal("-13000"), lines=old)
    db.session.add(invoice)
    db.session.commit()
    balance_with_a_refund_and_a_payment_on_account(world)  # new invoices meanwhile, with the new labels
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).lines == old
    _, first = invoice_pdf(invoice.id, user=login("agent.e"))
    text = text_of(first)
    assert "FP-0007 annulée" in text and "12/03/2026 (W20)" in text  # the label wraps in its column
    assert "Acomptes versés sur le compte (E1) déduits" in text
    assert text_of(invoice_pdf(invoice.id, user=login("agent.e"))[1]) == text


def test_W12_W19_E4_the_order_the_requester_signs_the_1_70_letter_the_contract_and_the_data_extract_cite_no_rule(world):
    water = add_contract(world, "KW-12", readings=[(date(2026, 9, 1), 1000, True)], individual_house=True)
    agent = world.user("agent.w")
    dep = record_water_departure(water.id, WaterDeparture(kind="unannounced"), user=agent, now=at(TODAY))
    closure = order_curb_stop_closure(dep.id, user=agent, now=at(TODAY))
    letter = Letter(kind="1-70", delivery_point_id=water.delivery_point_id, addressee="M. et Mme le Nouvel Occupant",
                    address=water.point.address, created_at=at(TODAY))
    db.session.add(letter)
    db.session.commit()
    power = balance_with_a_refund_and_a_payment_on_account(world)
    documents = {
        "ordre": order_pdf(closure.id, base_url="https://tournee.example", user=agent)[1],
        "courrier 1-70": letter_pdf(letter.id, user=agent)[1],
        "contrat": contract_pdf(power.contract_id, user=login("agent.e"))[1],
        "droit d'accès": extract_pdf(water.customer_id, agent),
    }
    texts = {name: text_of(pdf) for name, pdf in documents.items()}
    power_customer = db.session.get(Contract, power.contract_id).customer_id
    extract = text_of(extract_pdf(power_customer, agent))
    assert RULE_ID.findall(extract) == []
    # amounts as on the invoices (the JSON keeps them raw, with their currency)
    assert "-19 222 FCFA" in extract and "Dépôt de garantie\n50 000 FCFA" in extract
    assert "19222" not in extract and "50000" not in extract and "XOF" not in extract
    assert "bouche à clé" in texts["ordre"] and "Nouvel Occupant" in texts["courrier 1-70"]
    assert db.session.get(Contract, power.contract_id).number in texts["contrat"]
    assert {name: RULE_ID.findall(text) for name, text in texts.items()} == {name: [] for name in texts}
