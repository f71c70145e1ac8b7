"""W24 right of access: the PDF extract sent to the customer reads as a French document (French section titles and
labels, the office's labels for states and types, dd/mm/yyyy dates, amounts as on the invoices, no snake_case key,
no ISO date, no hash) and lists every contract, invoice and reading of the customer; the JSON keeps its keys for
the legal team. A customer of each utility (euros and CFA francs), built here, on SQLite and PostgreSQL."""
import io
import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from server.extensions import db
from server.models import Contract, Invoice, Order, Payment
from server.services.base.accounts import hash_password
from tests.conftest import sign_in
from tests.integration.money_world import add_contract, at, build_world, periodic_invoice
from tests.review_reports import SIGNATURE, store_report

SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FRENCH_LABELS = ["Vos coordonnées", "Vos contrats", "Vos relevés", "Vos factures", "Vos paiements",
                 "Interventions", "Photos et signatures conservées", "Référence client", "Pièce d'identité",
                 "Début du contrat", "Dépôt de garantie", "Prélèvement automatique", "Date du relevé",
                 "Origine du relevé", "relevé agent", "RGPD", "service clientèle"]
TODAY = date(2026, 11, 20)
CONTRACTS = 3
READINGS = [(date(2025, 1, 15), 100, True), (date(2025, 7, 15), 160, True), (date(2026, 1, 15), 230, False)]


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def customer_with_everything(world, utility: str) -> dict:
    """One customer holding three contracts of the utility (one with a deposit, IBAN and direct debit), with
    their readings, two invoices each, a payment and a refund, and an intervention whose report kept a photo and
    a signature. Returns what the extract must list."""
    service, prefix = ("electricity", "KE") if utility == "electricity" else ("water", "KW")
    contracts = [add_contract(world, f"{prefix}-{n}", service=service, readings=READINGS,
                              deposit=Decimal("25000") if n == 1 else Decimal(0)) for n in range(1, CONTRACTS + 1)]
    holder = contracts[0].customer_id
    for contract in contracts:
        contract.customer_id = holder
    contracts[0].direct_debit, contracts[0].iban = True, "FR7630004000031234567890143"
    contracts[1].state, contracts[1].end_on = "terminating", date(2026, 11, 30)
    invoices = []
    for n, contract in enumerate(contracts, start=1):
        invoices += [periodic_invoice(contract, f"F{prefix}-{n}-1", issued_on=date(2025, 7, 20), total="1234.56",
                                      reading=(date(2025, 7, 15), 160), paid=True),
                     periodic_invoice(contract, f"F{prefix}-{n}-2", issued_on=date(2026, 1, 20), total="87.5",
                                      reading=(date(2026, 1, 15), 230), paid=False)]
    cashier = world.user("caisse.e")
    db.session.add_all([Payment(invoice_id=invoices[0].id, direction="collect", amount=Decimal("1234.56"),
                                cashier_id=cashier.id, at=at(date(2025, 7, 25))),
                        Payment(invoice_id=invoices[0].id, direction="refund", amount=Decimal("34.56"),
                                method="transfer", payee_name="Alex Client", iban="FR7630004000031234567890143",
                                cashier_id=cashier.id, at=at(date(2025, 8, 2)))])
    order = Order(ref=f"OI-{prefix}-1", type="READING", state="reported",
                  delivery_point_id=contracts[0].delivery_point_id, contract_id=contracts[0].id,
                  assignee_id=world.user(f"tech.{utility[0]}").id, planned_date=TODAY)
    db.session.add(order)
    db.session.commit()
    store_report(order, received_at=at(TODAY, 14))
    return {"holder": holder, "contracts": [c.number for c in contracts], "invoices": [i.number for i in invoices],
            "points": [c.point.ref for c in contracts], "meters": [f"M-{c.number}" for c in contracts]}


def agent_client(app, world, utility: str):
    agent = world.user("agent.e" if utility == "electricity" else "agent.w")
    agent.password_hash = hash_password("extrait-2026")
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, agent.login, "extrait-2026").status_code == 302
    return client


@pytest.fixture
def world(app_ctx):
    return build_world()


@pytest.mark.parametrize("utility, amounts", [
    ("water", ["1 234,56 €", "87,50 €", "34,56 €", "0,00 €"]),
    ("electricity", ["1 235 FCFA", "88 FCFA", "25 000 FCFA", "35 FCFA"])])
def test_W24_the_extract_reads_as_a_french_document_listing_everything_held(app_ctx, world, utility, amounts):
    held = customer_with_everything(world, utility)
    client = agent_client(app_ctx, world, utility)
    response = client.get(f"/customers/{held['holder']}/personal-data.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    flat = " ".join(text.split())

    assert [name for name in FRENCH_LABELS if name not in flat] == []
    assert re.search(r"Extrait établi le \d{2}/\d{2}/\d{4}", flat)
    assert "Particulier" in flat and "En résiliation" in flat and "Périodique" in flat and "réglée" in flat
    assert "Remboursement par virement" in flat and "Paiement reçu au guichet" in flat
    assert "Relevé" in flat and "Réalisé" in flat and SIGNATURE["signer_name"] in flat
    assert "15/07/2025" in flat and "20/01/2026" in flat and "30/11/2026" in flat
    assert [amount for amount in amounts if amount not in flat] == []
    assert SNAKE_CASE.findall(text) == [] and ISO_DATE.findall(text) == []
    assert "XOF" not in text and "EUR" not in text and "a" * 64 not in text and "5" * 64 not in text
    for kind in ("contracts", "invoices", "points", "meters"):
        assert [ref for ref in held[kind] if ref not in flat] == [], kind
    # every reading of every meter: three per contract, each with its date and index
    assert flat.count("relevé agent") >= CONTRACTS * len(READINGS)
    assert flat.count("Vos relevés (9)") == 1 and "Vos factures (6)" in flat and "Vos contrats (3)" in flat


def test_W24_a_long_history_pages_with_its_table_headers_repeated(app_ctx, world):
    held = customer_with_everything(world, "water")
    contract = db.session.scalar(select(Contract).where(Contract.number == held["contracts"][0]))
    for n in range(150):
        db.session.add(Invoice(number=f"FL-{n:04d}", kind="periodic", state="issued", contract_id=contract.id,
                               customer_id=held["holder"], issued_on=date(2020, 1, 1), total=Decimal(n)))
    db.session.commit()
    pdf = agent_client(app_ctx, world, "water").get(f"/customers/{held['holder']}/personal-data.pdf").data
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 4
    flat = " ".join(" ".join(pages).split())
    assert [n for n in range(150) if f"FL-{n:04d}" not in flat] == []
    assert sum("Réglée le" in page for page in pages) >= 3  # the invoice table's header on each of its pages
    assert all(f"Page {n}" in page for n, page in enumerate(pages, start=1))


def test_W24_the_json_keeps_its_machine_readable_keys(app_ctx, world):
    held = customer_with_everything(world, "electricity")
    client = agent_client(app_ctx, world, "electricity")
    data = json.loads(client.get(f"/customers/{held['holder']}/personal-data.json").get_data(as_text=True))
    assert data["utility"] == "electricity"
    assert {c["number"]: (c["deposit_amount"], c["state"], c["currency"]) for c in data["contracts"]}["KE-1"] == \
        ("25000.00", "active", "XOF")
    assert sorted(i["number"] for i in data["invoices"]) == sorted(held["invoices"])
    assert len(data["readings"]) == CONTRACTS * len(READINGS) and data["readings"][0]["read_on"] == "2025-01-15"
    assert [(r["order"], r["outcome"], r["photos"], r["signers"]) for r in data["reports"]] == \
        [("OI-KE-1", "done", 1, [SIGNATURE["signer_name"]])]
    assert datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    assert datetime.fromisoformat(data["payments"][0]["at"]).astimezone(timezone.utc).date() == date(2025, 7, 25)
