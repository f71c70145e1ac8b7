"""PDF downloads and the billing pages through the test client: each route per role, PDFs read back."""
import csv
import io
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from server.extensions import db
from server.models import Contract, DeliveryPoint, Invoice, Letter, Order
from server.services.closing.invoices import issue_balance_invoice, last_billed_reading
from server.services.review.reports import countersign_report
from tests.conftest import csrf_token_from
from tests.review_reports import CHIEF_SIGNATURE, store_report, user

NOW = datetime.now(timezone.utc)
LOGINS = {"agent": "agent.elec", "chief": "chef.elec", "technician": "tech.elec1", "controller": "controle",
          "cashier": "caisse", "admin": "admin"}
ROUTES = [  # (method, path template, roles allowed)
    ("GET", "/orders/{order}/pdf", {"agent", "chief", "admin"}),
    ("GET", "/orders/print?date={today}", {"agent", "chief", "admin"}),
    ("GET", "/orders/print", {"agent", "chief", "admin"}),
    ("GET", "/invoices/{invoice}/pdf", {"agent", "controller", "cashier", "admin"}),
    ("GET", "/letters/{letter}/pdf", {"agent", "admin"}),
    ("GET", "/letters", {"agent", "admin"}),
    ("GET", "/contracts/{contract}/pdf", {"agent", "cashier", "admin"}),
    ("GET", "/invoices?q=FA", {"agent", "controller", "cashier", "admin"}),
    ("GET", "/reports/{report}/pdf", {"agent", "chief", "controller", "admin"}),
    ("GET", "/invoices/{invoice}", {"agent", "controller", "cashier", "admin"}),
    ("GET", "/invoices/control", {"controller", "admin"}),
    ("POST", "/invoices/{invoice}/check", {"controller", "admin"}),
    ("POST", "/invoices/{invoice}/refuse", {"controller", "admin"}),
    ("GET", "/invoices/overdue", {"agent", "controller", "cashier", "admin"}),
    ("GET", "/cashier?q=FA", {"cashier", "admin"}),
    ("GET", "/cashier/invoices/{invoice}", {"cashier", "admin"}),
    ("POST", "/cashier/invoices/{invoice}/collect", {"cashier", "admin"}),
    ("POST", "/cashier/invoices/{invoice}/refund", {"cashier", "admin"}),
    ("POST", "/invoices/{invoice}/transfer-refund", {"agent", "admin"}),
    ("POST", "/invoices/{invoice}/bank-details", {"agent", "admin"}),
    ("GET", "/invoices/transfers", {"agent", "admin"}),
    ("GET", "/invoices/transfers.csv", {"agent", "admin"}),
    ("GET", "/indicators", {"agent", "chief", "controller", "admin"}),
    ("GET", "/indicators.csv", {"agent", "chief", "controller", "admin"}),
]


# What each form posted with nothing but its CSRF token answers, whoever may post it: the balance is a draft
# invoice (E8) of a contract with no IBAN on file.
POSTED = {
    "/invoices/{invoice}/check": 302,            # checked, back to the control list
    "/invoices/{invoice}/refuse": 302,           # no reason given: back with a message
    "/cashier/invoices/{invoice}/collect": 409,  # a refund is due, nothing to collect
    "/cashier/invoices/{invoice}/refund": 302,   # no payee given: back to the counter page with a message
    "/invoices/{invoice}/transfer-refund": 409,  # electricity balances are refunded at the counter (E3)
    "/invoices/{invoice}/bank-details": 422,     # no IBAN given
}


def contract_at(ref):
    point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == ref))
    return db.session.scalar(select(Contract).where(Contract.delivery_point_id == point.id))


@pytest.fixture
def world(sqlite_demo_app):
    """Electricity documents: an order, a balance invoice (draft), a letter, a countersigned report."""
    with sqlite_demo_app.app_context():
        contract = contract_at("P00000200")
        index = last_billed_reading(contract.point.meters[0]).index + 10
        invoice = issue_balance_invoice(contract, index=index, read_on=NOW.date(), user=user("agent.elec"), now=NOW)
        order = db.session.scalar(select(Order).join(DeliveryPoint).where(DeliveryPoint.kind.like("elec%"))
                                  .order_by(Order.id))
        order.requester_name, order.requester_identity = "Codjo Akplogan", "CNI693090"
        letter = Letter(kind="1-70", delivery_point_id=contract.delivery_point_id,
                        addressee="M. et Mme le Nouvel Occupant", address=contract.point.address)
        db.session.add(letter)
        db.session.commit()
        report = store_report(order, answers={"index": index})
        countersign_report(report.id, chief=user("chef.elec"), signature=CHIEF_SIGNATURE, now=NOW)
        db.session.commit()
        return {"contract": contract.id, "order": order.id, "invoice": invoice.id, "letter": letter.id, "report": report.id,
                "today": order.planned_date.isoformat(), "order_ref": order.ref, "invoice_number": invoice.number}


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


@pytest.mark.parametrize("role", sorted(LOGINS))
def test_billing_and_document_routes_per_role(office, world, role):
    client = office(LOGINS[role])
    # a technician is sent to the tablet app and has no office form, hence no CSRF token (then 400 or 403)
    token = None if role == "technician" else csrf_token_from(client.get("/").get_data(as_text=True))
    for method, template, allowed in ROUTES:
        path = template.format(**world)
        answer = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        if role in allowed:
            expected = POSTED.get(template, 200)
            assert answer.status_code == expected, f"{role} {method} {path}: {answer.status_code}, not {expected}"
        else:
            refused = 400 if token is None and method == "POST" else 403   # no CSRF token: refused before the role
            assert answer.status_code == refused, f"{role} {method} {path}: {answer.status_code}"


def test_E2_order_pdf_carries_the_qr_code_and_the_requester_box(office, world):
    response = office("chef.elec").get(f"/orders/{world['order']}/pdf")
    text = pdf_text(response)
    assert world["order_ref"] in text and "Signature du demandeur" in text and "Codjo Akplogan" in text
    images = PdfReader(io.BytesIO(response.data)).pages[0].images
    assert len(images) == 1
    from server.documents.qr import qr_pil  # the QR code holds the order's address in the tablet app
    expected = qr_pil(f"http://localhost/app/#/orders/{world['order']}")
    assert images[0].image.convert("L").tobytes() == expected.convert("L").tobytes()


def test_batch_print_of_the_day_holds_every_order_of_the_utility(office, world, sqlite_demo_app):
    response = office("agent.elec").get(f"/orders/print?date={world['today']}")
    reader = PdfReader(io.BytesIO(response.data))
    with sqlite_demo_app.app_context():
        expected = db.session.scalars(select(Order.ref).join(DeliveryPoint).where(
            DeliveryPoint.kind.like("elec%"), Order.planned_date == datetime.fromisoformat(world["today"]).date(),
            Order.state != "cancelled")).all()
    assert len(reader.pages) == len(expected) + 1 >= 2  # the map of the day first (issue 17), then one page per order
    assert "Plan de la journée" in reader.pages[0].extract_text()
    assert world["order_ref"] in "".join(p.extract_text() for p in reader.pages)
    assert office("agent.elec").get("/orders/print?date=demain").status_code == 422
    assert 'type="date"' in office("chef.elec").get("/orders/print").get_data(as_text=True)


def test_E8_invoice_list_finds_the_balance_by_number(office, world):
    page = office("agent.elec").get(f"/invoices?q={world['invoice_number']}").get_data(as_text=True)
    assert world["invoice_number"] in page and "brouillon" in page
    assert world["invoice_number"] not in office("agent.eau").get("/invoices").get_data(as_text=True)


def test_E8_invoice_pdf_is_the_draft_balance(office, world):
    text = pdf_text(office("controle").get(f"/invoices/{world['invoice']}/pdf"))
    assert "Facture de solde" in text and world["invoice_number"] in text and "PROJET" in text


def test_E4_contract_pdf(office, world):
    text = pdf_text(office("agent.elec").get(f"/contracts/{world['contract']}/pdf"))
    assert "Contrat d'abonnement" in text and "EL00000200" in text and "Codjo Akplogan" in text


def test_W19_letter_pdf(office, world):
    assert f"/letters/{world['letter']}/pdf" in office("agent.elec").get("/letters").get_data(as_text=True)
    text = pdf_text(office("agent.elec").get(f"/letters/{world['letter']}/pdf"))
    assert "M. et Mme le Nouvel Occupant" in text and "Courrier 1-70" in text


def test_E7_report_pdf_has_the_countersignature_and_a_seal_that_verifies(office, world):
    text = pdf_text(office("chef.elec").get(f"/reports/{world['report']}/pdf"))
    assert "Contresignature du chef de section" in text and "Sceau (SHA-256)" in text
    assert "vérifié" in text and "Photo non encore reçue" in text


def test_E7_report_pdf_embeds_the_photo_from_the_blob_store(office, world, sqlite_demo_app):
    import hashlib
    from PIL import Image
    from server.blobs import DiskBlobStore
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(out, format="JPEG")
    sha = hashlib.sha256(out.getvalue()).hexdigest()
    with sqlite_demo_app.app_context():
        DiskBlobStore(sqlite_demo_app.config["BLOB_DIR"], 10**7).save(sha, io.BytesIO(out.getvalue()))
        report_id = store_report(db.session.get(Order, world["order"]), answers={"index": 12}, photo=sha).id
    response = office("agent.elec").get(f"/reports/{report_id}/pdf")
    text = pdf_text(response)
    assert "N° de série du compteur" in text and "Photo non encore reçue" not in text
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(response.data)).pages) == 1
    assert "pas encore contresigné" in text


def test_report_pdf_gives_the_receipt_time_in_the_utilitys_local_time(office, world, sqlite_demo_app):
    from datetime import datetime, timezone
    from server.models import Report
    with sqlite_demo_app.app_context():  # an electricity report: Benin time, UTC+1 all year
        db.session.get(Report, world["report"]).received_at = datetime(2026, 7, 1, 9, 5, tzinfo=timezone.utc)
        db.session.commit()
    text = pdf_text(office("agent.elec").get(f"/reports/{world['report']}/pdf"))
    assert "01/07/2026 10:05" in text and "01/07/2026 09:05" not in text


def test_E11_report_pdf_of_a_tampered_report_says_so(office, world, sqlite_demo_app):
    from server.models import Report
    with sqlite_demo_app.app_context():
        report = db.session.get(Report, world["report"])
        tampered = dict(report.content, answers={**report.content["answers"], "index": 1})
        db.session.execute(Report.__table__.update().where(Report.id == report.id).values(content=tampered))
        db.session.commit()
    assert "NE CORRESPOND PLUS" in pdf_text(office("agent.elec").get(f"/reports/{world['report']}/pdf"))


def test_documents_of_the_other_utility_are_refused(office, world):
    assert office("agent.eau").get(f"/orders/{world['order']}/pdf").status_code == 404  # another utility: not found
    assert office("agent.eau").get(f"/invoices/{world['invoice']}/pdf").status_code == 404  # another utility: not found
    assert office("agent.eau").get("/invoices/999999/pdf").status_code == 404


def post(client, path, **data):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)


def test_E11_controller_screen_checks_then_issues(office, world, sqlite_demo_app):
    client = office("controle")
    page = client.get("/invoices/control").get_data(as_text=True)
    assert world["invoice_number"] in page and "Contrôle fiabilité factures" in page
    too_early = post(client, f"/invoices/{world['invoice']}/issue")
    assert too_early.status_code == 409 and "impossible de la passer à « émise »" in too_early.get_data(as_text=True)
    assert "contrôlée" in post(client, f"/invoices/{world['invoice']}/check").get_data(as_text=True)
    post(client, f"/invoices/{world['invoice']}/issue")
    with sqlite_demo_app.app_context():
        assert db.session.get(Invoice, world["invoice"]).state == "issued"


def test_E3_cashier_refund_refused_with_a_clear_message_then_done(office, world, sqlite_demo_app):
    controller, counter = office("controle"), office("caisse")
    waiting = counter.get(f"/cashier/invoices/{world['invoice']}").get_data(as_text=True)
    assert "en attente du contrôle fiabilité factures" in waiting and "Vérifier l’identité" not in waiting
    for step in ("check", "issue"):
        post(controller, f"/invoices/{world['invoice']}/{step}")
    assert world["invoice_number"] in counter.get(f"/cashier?q={world['invoice_number']}").get_data(as_text=True)
    path = f"/cashier/invoices/{world['invoice']}/refund"
    refused = post(counter, path, payee_name="Codjo Akplogan", payee_identity="CNI000000").get_data(as_text=True)
    assert "Remboursement refusé" in refused and "dépôt de garantie" in refused
    done = post(counter, path, payee_name="Codjo Akplogan", payee_identity="CNI693090").get_data(as_text=True)
    assert "Remboursement à Codjo Akplogan enregistré" in done and "remboursée" in done
    with sqlite_demo_app.app_context():
        assert db.session.get(Invoice, world["invoice"]).state == "refunded"


def test_W23_indicators_page_and_csv(office, world):
    client = office("agent.elec")
    assert "Indicateurs mensuels des départs" in client.get("/indicators").get_data(as_text=True)
    response = client.get("/indicators.csv?months=6")
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert header[:3] == ["Mois", "Code commune", "Commune"]


def test_W21_overdue_page_and_navigation(office, world):
    page = office("agent.eau").get("/invoices/overdue").get_data(as_text=True)
    assert "prescription" in page and 'href="/invoices/overdue"' in page and 'href="/indicators"' in page
    assert 'href="/cashier"' in office("caisse").get("/").get_data(as_text=True)
    assert 'href="/invoices/control"' in office("controle").get("/").get_data(as_text=True)
