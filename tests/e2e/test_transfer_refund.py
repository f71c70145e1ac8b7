"""Two agents in a real browser: a water credit note (W17) whose contract has no bank details; one agent records
the customer's IBAN (a mistyped one refused first), another refunds by transfer to it (two-person rule); the
transfer found in the list for accounting. No page shows the full IBAN (W24)."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from tests.e2e.office_steps import signed_in

IBAN = "FR76 3000 4000 0312 3456 7890 143"


def make_credit_note(database_url: str, instance) -> tuple[str, str]:
    """A credit note of the demo's water contract at P00000001: end date before the last billed reading."""
    from server import create_app
    from server.extensions import db
    from server.models import Contract, DeliveryPoint
    from server.services.closing.invoices import issue_closing_invoice, last_billed_reading
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "live-test-secret"})
    with app.app_context():
        contract = db.session.scalar(select(Contract).join(DeliveryPoint).where(DeliveryPoint.ref == "P00000001"))
        billed = last_billed_reading(contract.point.meters[0])
        end_on = billed.read_on - timedelta(days=20)
        invoice = issue_closing_invoice(contract, end_on=end_on, index=billed.index - 4, read_on=end_on,
                                        source="customer", travel_fee=False, now=datetime.now(timezone.utc))
        db.session.commit()
        assert invoice.kind == "credit_note" and invoice.total < 0
        found = invoice.number, f"{contract.customer.first_name} {contract.customer.last_name}"
        db.session.remove()
        db.engine.dispose()
    return found


def no_full_iban(page) -> None:
    """W24: the page holds the last four characters of the IBAN, never all of it."""
    assert IBAN.replace(" ", "") not in page.content().replace(" ", "").upper()


def test_W17_bank_details_by_one_agent_refund_by_transfer_by_another(browser, live_server):
    number, holder = make_credit_note(live_server.database_url, live_server.instance)
    agent = signed_in(browser, live_server.url, "agent.eau")
    agent.click("nav >> text=Factures")
    agent.fill("#q", number)
    agent.click("button:has-text('Rechercher')")
    agent.click(f"a:has-text('{number}')")
    agent.wait_for_selector("h1:has-text('Avoir')")
    panel = agent.locator("section.transfer-refund")
    assert "aucun IBAN n'est enregistré" in panel.inner_text()  # the demo contract has no bank details
    assert panel.locator("form.refund-by-transfer").count() == 0
    agent.fill("#iban", IBAN[:-1] + "4")                  # one digit mistyped
    panel.locator("button:has-text('Enregistrer les coordonnées bancaires')").click()
    agent.wait_for_selector(".flash-error:has-text('clé de contrôle')")
    assert agent.input_value("#iban") == ""               # never shown back (W24)
    agent.fill("#iban", IBAN.lower())
    agent.click("button:has-text('Enregistrer les coordonnées bancaires')")
    agent.wait_for_selector("text=Coordonnées bancaires du client enregistrées")
    assert "compte se terminant par 0143" in agent.inner_text("main")
    assert "Un autre agent doit faire le remboursement" in agent.inner_text("section.transfer-refund")
    assert agent.locator("form.refund-by-transfer").count() == 0  # two-person rule
    no_full_iban(agent)
    agent.screenshot(path=str(live_server.instance / "transfer-bank-details.png"), full_page=True)
    invoice_url = agent.url

    admin = signed_in(browser, live_server.url, "admin")
    admin.goto(invoice_url)
    assert f"par virement à {holder}, titulaire du contrat, sur le compte se terminant par 0143" in \
        admin.inner_text("section.transfer-refund")
    admin.click("form.refund-by-transfer button:has-text('Rembourser par virement')")
    admin.wait_for_selector(f"text=Remboursement par virement à {holder} enregistré")
    main = admin.inner_text("main")
    assert "Remboursée par virement le" in main and "sur le compte se terminant par 0143" in main
    assert admin.locator("section.transfer-refund").count() == 0
    no_full_iban(admin)
    admin.context.close()

    agent.click("nav >> summary:has-text('Facturation')")          # the menu group that holds it
    agent.click("nav >> text=Virements de remboursement")
    row = agent.locator(f"table.transfers tr:has-text('{number}')")
    row.wait_for()
    assert holder in row.inner_text() and "**** 0143" in row.inner_text() and "€" in row.inner_text()
    no_full_iban(agent)
    with agent.expect_download() as download:
        agent.click("a:has-text('Exporter en CSV')")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert f";{number};{holder};FR7630004000031234567890143;" in text and text.rstrip().endswith(";EUR")
    agent.screenshot(path=str(live_server.instance / "transfers.png"), full_page=True)
    agent.context.close()
