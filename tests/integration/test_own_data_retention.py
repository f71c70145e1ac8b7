"""W24 over time: `tournee purge` pseudonymises the customers gone longer than the retention; amounts, dates,
indexes and the seals of their field reports still verify."""
from datetime import date, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Contract, Customer, DeliveryPoint, Invoice
from server.services.own_data.retention import purge_personal_data
from server.services.review.reports import countersign_report, report_review
from tests.review_reports import CHIEF_SIGNATURE, NOW, demo_order, store_report, user

RETENTION = 5 * 365


def _gone_customer(today: date) -> Customer:
    """The customer of the demo point P00000001, all of whose contracts ended six years ago, invoices paid."""
    point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == "P00000001"))
    contract = db.session.scalar(select(Contract).where(Contract.delivery_point_id == point.id))
    customer = contract.customer
    for held in db.session.scalars(select(Contract).where(Contract.customer_id == customer.id)):
        held.end_on, held.state = today - timedelta(days=6 * 365), "terminated"
    for invoice in db.session.scalars(select(Invoice).where(Invoice.customer_id == customer.id)):
        invoice.state = "paid"
    customer.email, customer.mobile = "parti@example.fr", "0600000000"
    contract.iban, contract.deposit_payer_name = "FR7630004000031234567890143", "Payeur Dépôt"
    db.session.commit()
    return customer


def test_W24_purge_pseudonymises_gone_customers_and_seals_still_verify(demo_ctx):
    today = NOW.date()
    report = store_report(demo_order("P00000001"), answers={"index": 800})
    countersign_report(report.id, chief=user("chef.eau"), signature=CHIEF_SIGNATURE, now=NOW)
    customer = _gone_customer(today)
    totals = {i.number: i.total for i in db.session.scalars(select(Invoice).where(Invoice.customer_id == customer.id))}

    listed = purge_personal_data(today, RETENTION, now=NOW, dry_run=True)
    assert customer.ref in [ref for ref, _ in listed.listed] and listed.pseudonymised == 0
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).email == "parti@example.fr"  # a dry run changes nothing

    done = purge_personal_data(today, RETENTION, now=NOW, dry_run=False)
    assert done.pseudonymised == done.due >= 1
    db.session.expire_all()
    gone = db.session.get(Customer, customer.id)
    assert (gone.last_name, gone.first_name, gone.email, gone.mobile, gone.postal_address) == \
        ("Anonyme", None, None, None, None)
    assert gone.pseudonymised_at is not None and gone.ref == customer.ref
    for contract in db.session.scalars(select(Contract).where(Contract.customer_id == customer.id)):
        assert contract.iban is None and contract.deposit_payer_name is None and contract.end_on is not None
    assert {i.number: i.total for i in db.session.scalars(
        select(Invoice).where(Invoice.customer_id == customer.id))} == totals
    assert report_review(report.id).verifies  # the sealed field report is untouched evidence
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pseudonymise",
                                                      AuditEntry.object_id == str(customer.id))) is not None
    again = purge_personal_data(today, RETENTION, now=NOW, dry_run=False)
    assert again.due == 0  # once is enough


def test_W24_customers_still_supplied_or_owing_are_kept(demo_ctx):
    today = NOW.date()
    customer = _gone_customer(today)
    invoice = Invoice(number="UNPAID-1", kind="closing", state="issued", contract_id=db.session.scalar(
        select(Contract.id).where(Contract.customer_id == customer.id)), customer_id=customer.id)
    db.session.add(invoice)
    db.session.commit()
    refs = [ref for ref, _ in purge_personal_data(today, RETENTION, now=NOW, dry_run=True, show=10_000).listed]
    assert customer.ref not in refs  # W21: an unsettled invoice keeps the identity
    active = db.session.scalar(select(Customer).join(Contract, Contract.customer_id == Customer.id)
                               .where(Contract.end_on.is_(None)).limit(1))
    assert active.ref not in refs


def test_W24_everything_held_on_one_customer_as_json_and_pdf(office, sqlite_demo_app):
    import io
    import json
    from pypdf import PdfReader
    with sqlite_demo_app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.iban.is_not(None)).order_by(Contract.id).limit(1))
        customer_id, ref, number, name = contract.customer_id, contract.customer.ref, contract.number, \
            contract.customer.last_name
    agent = office("agent.eau")
    data = json.loads(agent.get(f"/customers/{customer_id}/personal-data.json").get_data(as_text=True))
    assert data["customer"]["ref"] == ref and data["customer"]["last_name"] == name
    assert number in [c["number"] for c in data["contracts"]] and data["readings"]
    pdf = agent.get(f"/customers/{customer_id}/personal-data.pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Vos données personnelles" in text and name in text and number in text
    assert office("caisse").get(f"/customers/{customer_id}/personal-data.json").status_code == 403
    with sqlite_demo_app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "access_request")) is not None


def test_W24_a_customer_of_the_other_utility_is_not_found_and_nothing_is_audited(office, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        contract = db.session.scalar(select(Contract).join(DeliveryPoint).where(DeliveryPoint.kind == "elec_bt")
                                     .order_by(Contract.id).limit(1))
        customer_id = contract.customer_id
    water_agent, electricity_agent = office("agent.eau"), office("agent.elec")
    for fmt in ("json", "pdf"):
        answer = water_agent.get(f"/customers/{customer_id}/personal-data.{fmt}")
        assert answer.status_code == 404 and "Client introuvable." in answer.get_data(as_text=True)
    with sqlite_demo_app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "access_request")) is None
    own = electricity_agent.get(f"/customers/{customer_id}/personal-data.json")
    assert own.status_code == 200 and own.json["customer"]["ref"]
